/* run.c - one accumulator over several inputs (capkit_stats_run in
 * stats.h): the first pass counts every record, keeping the times of the
 * inputs that cannot be read twice; the finish counts the series again on
 * tshark's grid (from the earliest packet) when an older packet came late. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <capkit/capkit.h>

struct capkit_stats_run {
  capkit_stats_settings set;
  capkit_filter *flt;
  capkit_stats *st, *series;
  FILE *spool;    /* times and lengths of the inputs read once */
  int once;       /* an input that cannot be read twice was counted */
  char **again;   /* the regular files, read again by name */
  size_t n_again;
  const char *err; /* static text, "" when none */
};

/* A time and length kept from an input that cannot be read twice. */
typedef struct spooled {
  int64_t sec;
  uint32_t nsec, len;
} spooled;

static int rereadable(const char *path) {
  struct stat sb;
  return path && strcmp(path, "-") && !stat(path, &sb) && S_ISREG(sb.st_mode);
}

capkit_stats_run *capkit_stats_run_new(const capkit_stats_settings *set,
                                       capkit_filter *flt) {
  capkit_stats_run *run = calloc(1, sizeof *run);
  if (!run)
    return NULL;
  capkit_stats_settings def = CAPKIT_STATS_SETTINGS_INIT;
  if (!set)
    set = &def;
  run->st = capkit_stats_new(set);
  if (!run->st) {
    free(run);
    return NULL;
  }
  memcpy(&run->set, set,
         set->size < sizeof run->set ? set->size : sizeof run->set);
  run->set.size = sizeof run->set;
  run->flt = flt;
  run->err = "";
  return run;
}

void capkit_stats_run_free(capkit_stats_run *run) {
  if (!run)
    return;
  capkit_stats_free(run->st);
  capkit_stats_free(run->series);
  if (run->spool)
    fclose(run->spool);
  for (size_t i = 0; i < run->n_again; i++)
    free(run->again[i]);
  free(run->again);
  free(run);
}

const char *capkit_stats_run_error(const capkit_stats_run *run) {
  return run ? run->err : "";
}

const capkit_stats *capkit_stats_run_stats(const capkit_stats_run *run) {
  return run ? run->st : NULL;
}

const capkit_stats *capkit_stats_run_series(const capkit_stats_run *run) {
  return run ? run->series : NULL;
}

static int fail(capkit_stats_run *run, int code, const char *why) {
  run->err = why;
  return code;
}

int capkit_stats_run_read(capkit_stats_run *run, capkit_reader *r,
                          const char *path, capkit_record *rec) {
  if (!run || !r || !rec)
    return CAPKIT_EMISUSE;
  run->err = "";
  FILE *spool = NULL;
  if (rereadable(path)) {
    char **l = realloc(run->again, (run->n_again + 1) * sizeof *l);
    if (l)
      run->again = l;
    if (!l || !(l[run->n_again] = strdup(path)))
      return fail(run, CAPKIT_ENOMEM, "out of memory");
    run->n_again++;
  } else {
    /* without a spool (tmpfile failed) the series cannot be redone */
    if (!run->once)
      run->spool = tmpfile();
    run->once = 1;
    spool = run->spool;
  }
  int rc;
  while ((rc = capkit_reader_next_match(r, run->flt, rec)) > 0) {
    if (capkit_stats_add(run->st, rec, NULL) == CAPKIT_ENOMEM)
      return fail(run, CAPKIT_ENOMEM, "out of memory");
    spooled sp = {rec->ts_sec, rec->ts_nsec, rec->origlen};
    if (spool && fwrite(&sp, sizeof sp, 1, spool) != 1)
      return fail(run, CAPKIT_EIO, "temporary file: write error");
  }
  return rc;
}

/* Count the regular files again into S; 0 or CAPKIT_ENOMEM. */
static int count_again(capkit_stats_run *run, capkit_stats *s) {
  for (size_t i = 0; i < run->n_again; i++) {
    capkit_reader *r = capkit_reader_new();
    if (!r)
      return CAPKIT_ENOMEM;
    int rc = capkit_reader_open_path(r, run->again[i]);
    if (rc == 0 && run->flt) {
      const capkit_file_info *inf = capkit_reader_info(r);
      rc = capkit_filter_prepare(run->flt, inf ? inf->linktype : 1);
    }
    capkit_record rec = CAPKIT_RECORD_INIT;
    if (rc == 0)
      while ((rc = capkit_reader_next_match(r, run->flt, &rec)) > 0)
        if (capkit_stats_add(s, &rec, NULL) == CAPKIT_ENOMEM) {
          rc = CAPKIT_ENOMEM;
          break;
        }
    capkit_reader_free(r);
    if (rc == CAPKIT_ENOMEM)
      return rc;
  }
  return 0;
}

/* Count the spooled times and lengths into S. */
static int count_spool(capkit_stats *s, FILE *spool) {
  spooled sp;
  capkit_record rec = CAPKIT_RECORD_INIT;
  rewind(spool);
  while (fread(&sp, sizeof sp, 1, spool) == 1) {
    rec.ts_sec = sp.sec;
    rec.ts_nsec = sp.nsec;
    rec.origlen = sp.len;
    if (capkit_stats_add(s, &rec, NULL) != 0)
      return CAPKIT_ENOMEM;
  }
  return ferror(spool) ? CAPKIT_EIO : 0;
}

int capkit_stats_run_finish(capkit_stats_run *run) {
  if (!run)
    return CAPKIT_EMISUSE;
  capkit_stats_settings set = run->set;
  if (run->series || !capkit_stats_regrid(run->st, &set.origin) ||
      (run->once && !run->spool))
    return 0;
  set.what = CAPKIT_STATS_SERIES;
  set.has_origin = 1;
  capkit_stats *s = capkit_stats_new(&set);
  if (!s)
    return CAPKIT_ENOMEM;
  int rc = count_again(run, s);
  if (!rc && run->spool)
    rc = count_spool(s, run->spool);
  if (rc) {
    capkit_stats_free(s);
    return rc;
  }
  run->series = s;
  return 0;
}
