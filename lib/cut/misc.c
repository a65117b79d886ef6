/* misc.c - the filtered reader and FCS stripping. */
#include <capkit/capkit.h>
#include <capkit/cut.h>

int capkit_reader_next_match(capkit_reader *r, capkit_filter *f,
                             capkit_record *rec) {
  if (!f)
    return capkit_reader_next(r, rec);
  int rc;
  while ((rc = capkit_reader_next(r, rec)) > 0) {
    int m = capkit_filter_match(f, rec);
    if (m != 0)
      return m;
  }
  return rc;
}

void capkit_record_strip_fcs(capkit_record *rec, int bytes) {
  uint32_t n = bytes >= 0 ? (uint32_t)bytes
               : rec->iface && rec->iface->fcs_len > 0
                   ? (uint32_t)rec->iface->fcs_len
                   : 4;
  /* The FCS is at the end of the frame: only a complete capture has it;
   * the original length loses it either way. */
  if (rec->caplen == rec->origlen)
    rec->caplen = rec->caplen > n ? rec->caplen - n : 0;
  rec->origlen = rec->origlen > n ? rec->origlen - n : 0;
  if (rec->caplen > rec->origlen)
    rec->caplen = rec->origlen;
}
