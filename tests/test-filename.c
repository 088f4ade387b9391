/* test-filename.c: tests for naming downloaded files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-filename"

#include "config.h"

#include <string.h>

#include "mw-filename.h"
#include "mw-test-utils.h"

typedef struct
{
  const char *input;
  const char *expected;
} StringCase;

/* Checks what every sanitised name must satisfy, whatever it was made from. */
static void
assert_safe_name (const char *name)
{
  if (name == NULL)
    return;

  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_cmpuint (strlen (name), >, 0);
  g_assert_cmpuint (strlen (name), <=, MW_FILENAME_MAX_BYTES);
  g_assert_null (strchr (name, '/'));
  g_assert_null (strchr (name, '\\'));
  g_assert_cmpint (name[0], !=, '.');
}

static void
test_content_disposition (void)
{
  static const StringCase cases[] = {
    { "attachment; filename=\"a b.txt\"", "a b.txt" },
    { "inline; FILENAME=foo.bin", "foo.bin" },
    { "attachment; FileName=\"mixed.txt\"", "mixed.txt" },
    { "ATTACHMENT; filename=upper-type.txt", "upper-type.txt" },
    { "attachment; filename=\"\xe2\x82\xac rates.pdf\"", "€ rates.pdf" },

    /* filename* (RFC 5987), preferred wherever it appears */
    { "attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf; filename=\"rates.pdf\"",
      "€ rates.pdf" },
    { "attachment; filename=\"rates.pdf\"; filename*=UTF-8''%E2%82%AC%20rates.pdf",
      "€ rates.pdf" },
    { "attachment; FILENAME*=utf-8''x%C3%A9.txt", "xé.txt" },
    { "attachment; filename*=UTF-8'en-GB'%e2%82%ac.txt", "€.txt" },
    { "attachment; filename*=iso-8859-1'en'%A3%20rates.txt", "£ rates.txt" },
    { "attachment; filename*=ISO-8859-1''caf%E9.txt", "café.txt" },
    { "attachment; filename*=\"UTF-8''quoted%20ext.txt\"", "quoted ext.txt" },
    { "attachment; filename*=UTF-8''one.txt; filename*=UTF-8''two.txt", "one.txt" },

    /* An unusable filename* gives way to filename */
    { "attachment; filename*=KOI8-R''%C1.txt; filename=\"fallback.txt\"", "fallback.txt" },
    { "attachment; filename*=UTF-8''bad%ZZ.txt; filename=\"fallback.txt\"", "fallback.txt" },
    { "attachment; filename*=UTF-8''cut%4; filename=\"fallback.txt\"", "fallback.txt" },
    { "attachment; filename*=UTF-8''%FF%FE.txt; filename=\"fallback.txt\"", "fallback.txt" },
    { "attachment; filename*=UTF-8''evil.exe%00.pdf; filename=\"safe.pdf\"", "safe.pdf" },
    { "attachment; filename*=UTF-8''evil.exe%00.pdf", NULL },
    { "attachment; filename*=no-charset.txt; filename=plain.txt", "plain.txt" },
    { "attachment; filename*=UTF-8''; filename=\"x.txt\"", "x.txt" },

    /* Quoted strings */
    { "attachment; filename=\"a \\\"quoted\\\" \\\\ name.txt\"", "a \"quoted\" \\ name.txt" },
    { "attachment; filename=\"x\\y.txt\"", "xy.txt" },
    { "attachment; filename=\"semi;colon.txt\"", "semi;colon.txt" },
    { "attachment; filename=\"unterminated.txt", "unterminated.txt" },
    { "attachment; filename=\"trailing-backslash\\", "trailing-backslash\\" },
    { "attachment; filename=\"quoted.txt\" junk; size=1", "quoted.txt" },

    /* Garbage that real servers send */
    { "filename=no-type.txt", "no-type.txt" },
    { "attachment filename=no-semicolon.txt", "no-semicolon.txt" },
    { "attachment; filename = \"spaced.txt\" ", "spaced.txt" },
    { "attachment;filename=tight.txt", "tight.txt" },
    { "attachment; filename=my file name.txt ; size=3", "my file name.txt" },
    { "attachment; filename=\"first.txt\"; filename=\"second.txt\"", "first.txt" },
    { "attachment; name=\"field\"; filename=\"form.txt\"", "form.txt" },
    { ";;; ; filename=after-semicolons.txt;;", "after-semicolons.txt" },
    { "attachment; filename=\"../../etc/passwd\"", "../../etc/passwd" },

    /* Bytes that are not UTF-8: Windows-1252, then ISO-8859-1 */
    { "attachment; filename=\"caf\xe9.txt\"", "café.txt" },
    { "attachment; filename=\"\x80 euro.txt\"", "€ euro.txt" },
    { "attachment; filename=\"a\x81" "b.txt\"", "a\xc2\x81" "b.txt" },

    /* Nothing there */
    { "", NULL },
    { "attachment", NULL },
    { "attachment; size=12", NULL },
    { "attachment; xfilename=\"no.txt\"", NULL },
    { "attachment; filename=\"\"", NULL },
    { "attachment; filename=", NULL },
    { "attachment; filename*=UTF-8''", NULL },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *result = mw_content_disposition_get_filename (cases[i].input);
      g_autofree char *escaped = g_strescape (cases[i].input, NULL);

      g_test_message ("Content-Disposition: %s", escaped);
      g_assert_cmpstr (result, ==, cases[i].expected);
    }

  g_assert_null (mw_content_disposition_get_filename (NULL));
}

static void
test_sanitize (void)
{
  static const StringCase cases[] = {
    { "report.pdf", "report.pdf" },
    { "Жизнь и судьба.txt", "Жизнь и судьба.txt" },
    { "a b  c.txt", "a b  c.txt" },

    /* Only the last path component */
    { "../../etc/passwd", "passwd" },
    { "/etc/passwd", "passwd" },
    { "C:\\x\\y.exe", "y.exe" },
    { "..\\..\\boot.ini", "boot.ini" },
    { "a\\b/c.txt", "c.txt" },
    { "dir/", NULL },
    { "a/..", NULL },

    /* Dots and whitespace at the ends */
    { ".", NULL },
    { "..", NULL },
    { "...", NULL },
    { ".hidden", "hidden" },
    { "...dots.txt", "dots.txt" },
    { " . .x", "x" },
    { "  spaced  ", "spaced" },
    { "trailing...", "trailing" },
    { "name. . .", "name" },
    { "\xc2\xa0" "nbsp\xe3\x80\x80", "nbsp" },

    /* Characters that are removed or replaced */
    { "a<b>c:d\"e|f?g*h.txt", "a_b_c_d_e_f_g_h.txt" },
    { "tab\there\n.txt", "tabhere.txt" },
    { "del\x7f.txt", "del.txt" },
    { "c1\xc2\x85x.txt", "c1x.txt" },
    { "invoice\xe2\x80\xae" "fdp.exe", "invoicefdp.exe" },
    { "a\xe2\x80\x8e" "b\xe2\x80\x8f" "c\xe2\x80\xaa" "d\xe2\x81\xa6" "e\xe2\x81\xa9"
      "f\xd8\x9c" "g.txt", "abcdefg.txt" },
    { "\xe2\x80\xae.exe", "exe" },
    { "\x01\x02", NULL },

    /* Invalid UTF-8 */
    { "caf\xe9.txt", "caf\xef\xbf\xbd.txt" },
    { "\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd" },
    { "\xc3", "\xef\xbf\xbd" },

    { "", NULL },
    { "   ", NULL },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *result = mw_filename_sanitize (cases[i].input);
      g_autofree char *escaped = g_strescape (cases[i].input, NULL);

      g_test_message ("name: %s", escaped);
      g_assert_cmpstr (result, ==, cases[i].expected);
      assert_safe_name (result);
    }

  g_assert_null (mw_filename_sanitize (NULL));
}


/* Long names are built from up to two repeated pieces and a tail. */
typedef struct
{
  const char *first;
  guint first_times;
  const char *second;
  guint second_times;
  const char *tail;
} Pattern;

static char *
build_pattern (const Pattern *pattern)
{
  GString *str = g_string_new (NULL);
  guint i;

  for (i = 0; i < pattern->first_times; i++)
    g_string_append (str, pattern->first);
  for (i = 0; i < pattern->second_times; i++)
    g_string_append (str, pattern->second);
  g_string_append (str, pattern->tail);

  return g_string_free (str, FALSE);
}

static void
test_sanitize_long (void)
{
  static const struct
  {
    Pattern input;
    Pattern expected;
  } cases[] = {
    { { "a", 10000, "", 0, ".pdf" }, { "a", 196, "", 0, ".pdf" } },
    { { "a", 300, "", 0, "" }, { "a", 200, "", 0, "" } },
    { { "a", 300, "", 0, ".tar.gz" }, { "a", 193, "", 0, ".tar.gz" } },
    /* Too long, or with a space, to be an extension: cut like the rest */
    { { "a", 300, "", 0, ".abcdefghijklmnopq" }, { "a", 200, "", 0, "" } },
    { { "a", 300, "", 0, ".final notes" }, { "a", 200, "", 0, "" } },
    /* Multibyte characters are never split */
    { { "€", 100, "", 0, ".pdf" }, { "€", 65, "", 0, ".pdf" } },
    { { "a", 1, "é", 150, "" }, { "a", 1, "é", 99, "" } },
    { { "x", 1, "😀", 60, ".txt" }, { "x", 1, "😀", 48, ".txt" } },
    /* The cut does not leave a space or a dot at the end of the stem */
    { { "a", 195, " b", 100, ".pdf" }, { "a", 195, "", 0, ".pdf" } },
    { { "a", 195, ".", 10, ".pdf" }, { "a", 195, "", 0, ".pdf" } },
    { { "a", 199, ".", 1, "bbbbbbbbbbbbbbbbbbbb" }, { "a", 199, "", 0, "" } },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *input = build_pattern (&cases[i].input);
      g_autofree char *expected = build_pattern (&cases[i].expected);
      g_autofree char *result = mw_filename_sanitize (input);

      g_test_message ("long name %" G_GSIZE_FORMAT, i);
      g_assert_cmpstr (result, ==, expected);
      assert_safe_name (result);
    }
}

static void
test_from_uri (void)
{
  static const StringCase cases[] = {
    { "https://example.org/files/report.pdf", "report.pdf" },
    { "http://example.org:8080/x.iso", "x.iso" },
    { "https://example.org/files/report.pdf?token=abc&x=/y.exe#page=2", "report.pdf" },
    { "https://example.org/a?b/c.txt", "a" },
    { "https://example.org/My%20Report%202024.pdf", "My Report 2024.pdf" },
    { "https://example.org/%C3%A9t%C3%A9.txt", "été.txt" },
    { "https://example.org/a%20b%3F.txt", "a b_.txt" },
    { "https://example.org/.htaccess", "htaccess" },
    { "https://example.org/dir%2F..%2Fpasswd", "passwd" },

    /* Decoding that fails keeps the raw segment */
    { "https://example.org/evil%00.exe", "evil%00.exe" },
    { "https://example.org/%FF.txt", "%FF.txt" },

    /* The last usable segment */
    { "https://example.org/dir/", "dir" },
    { "https://example.org/a/b//", "b" },
    { "https://example.org/files/...", "files" },

    /* The host when there is none */
    { "https://example.org/", "example.org" },
    { "https://example.org", "example.org" },
    { "https://example.org?x=1", "example.org" },
    { "https://example.org/..", "example.org" },
    { "https://user:secret@example.org/", "example.org" },
    { "https://[::1]/", "__1" },

    /* Nothing to go on */
    { "", NULL },
    { "not a uri", NULL },
    { "/relative/path.txt", NULL },
    { "http://", NULL },
    { "file:///tmp/x.txt", NULL },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *result = mw_filename_from_uri (cases[i].input);

      g_test_message ("URI: %s", cases[i].input);
      g_assert_cmpstr (result, ==, cases[i].expected);
      assert_safe_name (result);
    }

  g_assert_null (mw_filename_from_uri (NULL));
}

static void
test_with_index (void)
{
  static const struct
  {
    const char *name;
    guint index;
    const char *expected;
  } cases[] = {
    { "report.pdf", 0, "report.pdf" },
    { "report.pdf", 1, "report (1).pdf" },
    { "report.pdf", 10, "report (10).pdf" },
    { "README", 2, "README (2)" },
    { "x", G_MAXUINT, "x (4294967295)" },
    { "archive.tar.gz", 1, "archive (1).tar.gz" },
    { "archive.TAR.XZ", 3, "archive (3).TAR.XZ" },
    { "a.tar.bz2", 2, "a (2).tar.bz2" },
    { "a.tar.zst", 2, "a (2).tar.zst" },
    { "a.tar.lz", 2, "a (2).tar.lz" },
    { "a.tar.Z", 2, "a (2).tar.Z" },
    { "backup.tar", 1, "backup (1).tar" },
    { "photo.gz", 1, "photo (1).gz" },
    { "notes.txt.gz", 1, "notes.txt (1).gz" },
    { "a.tar.rar", 1, "a.tar (1).rar" },
    { "Ünïcödé.tar.gz", 5, "Ünïcödé (5).tar.gz" },
    { "version 1.2 final", 1, "version 1.2 final (1)" },
    { "file.verylongextension", 1, "file.verylongextension (1)" },
    { "trailing.", 1, "trailing. (1)" },
    { ".hidden", 1, ".hidden (1)" },
    { ".", 1, ". (1)" },
    { "", 1, "(1)" },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *result = mw_filename_with_index (cases[i].name, cases[i].index);
      g_autofree char *escaped = g_strescape (cases[i].name, NULL);

      g_test_message ("name: %s, index %u", escaped, cases[i].index);
      g_assert_cmpstr (result, ==, cases[i].expected);
    }
}

static void
test_with_index_long (void)
{
  static const struct
  {
    Pattern name;
    guint index;
    Pattern expected;
  } cases[] = {
    { { "a", 196, "", 0, ".pdf" }, 12, { "a", 191, "", 0, " (12).pdf" } },
    { { "a", 200, "", 0, "" }, 1, { "a", 196, "", 0, " (1)" } },
    { { "b", 193, "", 0, ".tar.gz" }, 1, { "b", 189, "", 0, " (1).tar.gz" } },
    { { "é", 98, "", 0, ".pdf" }, 12, { "é", 95, "", 0, " (12).pdf" } },
    { { "a", 180, " ", 16, ".pdf" }, 7, { "a", 180, "", 0, " (7).pdf" } },
    { { "a", 196, "", 0, ".pdf" }, G_MAXUINT, { "a", 183, "", 0, " (4294967295).pdf" } },
    /* Short enough already */
    { { "a", 100, "", 0, ".pdf" }, 3, { "a", 100, "", 0, " (3).pdf" } },
  };
  gsize i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = build_pattern (&cases[i].name);
      g_autofree char *expected = build_pattern (&cases[i].expected);
      g_autofree char *result = mw_filename_with_index (name, cases[i].index);

      g_test_message ("long name %" G_GSIZE_FORMAT ", index %u", i, cases[i].index);
      g_assert_cmpstr (result, ==, expected);
      g_assert_cmpuint (strlen (result), <=, MW_FILENAME_MAX_BYTES);
      g_assert_true (g_utf8_validate (result, -1, NULL));
    }
}

/* Random strings lean on the bytes the parsers treat specially, so that they get past
 * the first branch more often than uniformly random bytes would. */
static char *
random_string (void)
{
  static const char special[] = "./\\%\"';=*:?<> \t\r\nfFaAtT0";
  static const char * const sequences[] = {
    "€", "é", "😀", "\xe2\x80\xae", "\xc2\x85", "\xc3", "\xf0\x9f", "%00", "%E2%82%AC",
    "%ZZ", "..", "filename", "filename*", "UTF-8''", "iso-8859-1''", ".tar.gz",
  };
  static const char * const prefixes[] = {
    "", "", "attachment; filename=\"", "attachment; filename*=UTF-8''",
    "https://example.org/", "https://",
  };
  GString *str = g_string_new (prefixes[g_test_rand_int_range (0, G_N_ELEMENTS (prefixes))]);
  gint32 len = g_test_rand_int_range (0, 301);

  while (str->len < (gsize) len)
    {
      switch (g_test_rand_int_range (0, 4))
        {
        case 0:
          g_string_append_c (str, special[g_test_rand_int_range (0, sizeof special - 1)]);
          break;
        case 1:
          g_string_append (str, sequences[g_test_rand_int_range (0, G_N_ELEMENTS (sequences))]);
          break;
        default:
          g_string_append_c (str, (char) g_test_rand_int_range (1, 256));
          break;
        }
    }

  return g_string_free (str, FALSE);
}

static void
test_robustness (void)
{
  guint i;

  for (i = 0; i < 2000; i++)
    {
      g_autofree char *input = random_string ();
      g_autofree char *prefixed = g_strconcat ("https://example.org/", input, NULL);
      g_autofree char *disposition = mw_content_disposition_get_filename (input);
      g_autofree char *sanitized_disposition = mw_filename_sanitize (disposition);
      g_autofree char *sanitized = mw_filename_sanitize (input);
      g_autofree char *sanitized_twice = mw_filename_sanitize (sanitized);
      g_autofree char *from_uri = mw_filename_from_uri (input);
      g_autofree char *from_prefixed = mw_filename_from_uri (prefixed);
      guint index = g_test_rand_int_range (1, 1000);
      g_autofree char *indexed_raw = mw_filename_with_index (input, index);
      g_autofree char *indexed = NULL;

      /* The header parser returns the raw name, so only its encoding is checked. */
      if (disposition != NULL)
        {
          g_assert_true (g_utf8_validate (disposition, -1, NULL));
          g_assert_cmpuint (strlen (disposition), >, 0);
        }
      assert_safe_name (sanitized_disposition);

      assert_safe_name (sanitized);
      g_assert_cmpstr (sanitized_twice, ==, sanitized);
      assert_safe_name (from_uri);
      assert_safe_name (from_prefixed);
      g_assert_nonnull (from_prefixed);

      g_assert_true (g_utf8_validate (indexed_raw, -1, NULL));
      g_assert_cmpuint (strlen (indexed_raw), <=, MW_FILENAME_MAX_BYTES);
      if (sanitized != NULL)
        {
          indexed = mw_filename_with_index (sanitized, index);
          assert_safe_name (indexed);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  /* A fixed seed keeps the robustness test reproducible; pass --seed to explore. */
  mw_test_init_seeded (&argc, &argv, "R02S4d65616e7768696c6566696c656e616d65");

  g_test_add_func ("/filename/content-disposition", test_content_disposition);
  g_test_add_func ("/filename/sanitize", test_sanitize);
  g_test_add_func ("/filename/sanitize-long", test_sanitize_long);
  g_test_add_func ("/filename/from-uri", test_from_uri);
  g_test_add_func ("/filename/with-index", test_with_index);
  g_test_add_func ("/filename/with-index-long", test_with_index_long);
  g_test_add_func ("/filename/robustness", test_robustness);

  return g_test_run ();
}
