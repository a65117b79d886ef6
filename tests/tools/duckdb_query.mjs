// duckdb_query.mjs FILE SQL - run SQL (FILE in it replaced by the path)
// in an in-memory DuckDB and print the rows tab-separated.
import { DuckDBInstance } from '@duckdb/node-api';
const [,, file, sql] = process.argv;
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const reader = await con.runAndReadAll(sql.replaceAll('FILE', file));
for (const row of reader.getRows()) console.log(row.map(String).join('\t'));
