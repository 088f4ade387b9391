/* test-hostile-feed.c: a feed that tries to inject markup and links, in the real window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A feed served on loopback puts Pango markup, "&" and "<" in its titles and author,
 * javascript:, file: and data: addresses in its links, enclosures and article, and a
 * title of a megabyte. Subscribed to through the window, every text must show exactly
 * as written, with nothing bold or red; no such address may become something to click
 * or download; and the long title must be cut and laid out without the window hanging.
 * The toasts, whose titles are Pango markup, are checked too.
 */
#define G_LOG_DOMAIN "test-hostile-feed"

#include "config.h"

#include <string.h>

#include "mw-feeds-page.h"
#include "mw-item-view.h"
#include "mw-test-window.h"

#define FEED_TITLE    "<b>Evil</b> Tom & Jerry <3"
#define MARKUP_TITLE  "Red & bold <i>"
#define ESCAPED_TITLE "<b>Escaped twice</b>"
#define AUTHOR        "<i>Mallory</i> & co"

static MwApplication *app;

typedef MwTestWindow Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  mw_test_window_set_up (fixture, app, 1000, 700);
  mw_test_iterate_for (100);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  MwFeedList *feeds = mw_application_get_feeds (app);

  mw_test_unsubscribe_all (feeds);
  mw_test_window_tear_down (fixture);
}

/* --- What is on screen ------------------------------------------------------------- */

static void
collect_labels (GtkWidget *root,
                GPtrArray *labels)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_is_visible (child))
        g_ptr_array_add (labels, child);
      collect_labels (child, labels);
    }
}

/* The visible label showing @text (or text starting with it, when @prefix), checked to
 * show it as plain text: what GTK lays out is the text itself (markup would have been
 * taken out of it) with no attributes. */
static GtkLabel *
find_literal_label (GtkWidget  *root,
                    const char *text,
                    gboolean    prefix)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect_labels (root, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      PangoLayout *layout;
      PangoAttrList *attributes;

      if (prefix ? !g_str_has_prefix (gtk_label_get_text (label), text)
                 : g_strcmp0 (gtk_label_get_text (label), text) != 0)
        continue;

      layout = gtk_label_get_layout (label);
      g_assert_cmpstr (pango_layout_get_text (layout), ==, gtk_label_get_text (label));
      attributes = pango_layout_get_attributes (layout);
      if (attributes != NULL)
        {
          g_autoptr(GSList) list = pango_attr_list_get_attributes (attributes);

          g_assert_null (list);
        }
      return label;
    }

  return NULL;
}

static GtkLabel *
wait_for_literal_label (GtkWidget  *root,
                        const char *text,
                        gboolean    prefix)
{
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  GtkLabel *label;

  while ((label = find_literal_label (root, text, prefix)) == NULL && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);

  if (label == NULL)
    {
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      collect_labels (root, labels);
      for (guint i = 0; i < labels->len; i++)
        g_test_message ("label: %.80s", gtk_label_get_text (g_ptr_array_index (labels, i)));
    }
  g_assert_nonnull (label);
  return label;
}

static gboolean
shows_three_articles (gpointer page)
{
  return g_list_model_get_n_items (G_LIST_MODEL (mw_application_get_feeds (app))) > 0 &&
         g_list_model_get_n_items (mw_feeds_page_get_articles (page)) >= 3;
}

static guint
position_of (GListModel *articles,
             const char *title_start)
{
  for (guint i = 0; i < g_list_model_get_n_items (articles); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (articles, i);

      if (g_str_has_prefix (mw_feed_item_get_title (item), title_start))
        return i;
    }
  g_assert_not_reached ();
}

static int
offset_of (const char *text,
           const char *needle)
{
  const char *found = strstr (text, needle);

  g_assert_nonnull (found);
  return (int) g_utf8_pointer_to_offset (text, found);
}

static void
count_cb (MwItemView *view,
          const char *uri,
          GPtrArray  *uris)
{
  g_ptr_array_add (uris, g_strdup (uri));
}

/* --- The tests ----------------------------------------------------------------------- */

static char *
hostile_feed (void)
{
  GString *doc = g_string_new (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<rss version=\"2.0\"><channel>\n"
    "<title>&amp;lt;b&amp;gt;Evil&amp;lt;/b&amp;gt; Tom &amp;amp; Jerry &amp;lt;3</title>\n"
    "<link>javascript:alert(1)</link>\n"
    "<image><url>file:///etc/passwd</url></image>\n"
    "<item><title><![CDATA[<span foreground=\"red\" size=\"xx-large\">Red</span> & <b>bold</b> &lt;i&gt;]]></title>\n"
    "<guid>markup</guid><link>javascript:alert(document.cookie)</link>\n"
    "<author>&amp;lt;i&amp;gt;Mallory&amp;lt;/i&amp;gt; &amp;amp; co</author>\n"
    "<description><![CDATA[<p>Links: <a href=\"javascript:alert(1)\">js</a>, "
    "<a href=\"file:///etc/passwd\">file</a>, <a href=\"data:text/html,hi\">data</a>, "
    "<a href=\"https://ok.example/\">ok</a>.</p>"
    "<p><span foreground=\"red\">red?</span> &lt;b&gt;not bold&lt;/b&gt;</p>]]></description>\n"
    "<enclosure url=\"file:///etc/passwd\" type=\"audio/mpeg\" length=\"100\"/>\n"
    "<enclosure url=\"data:audio/mpeg;base64,AAAA\" type=\"audio/mpeg\" length=\"4\"/>\n"
    "</item>\n"
    "<item><title>&amp;lt;b&amp;gt;Escaped twice&amp;lt;/b&amp;gt;</title><guid>escaped</guid>"
    "<link>file:///etc/passwd</link></item>\n"
    "<item><guid>long</guid><title>");

  /* A title of a megabyte. */
  while (doc->len < 1024 * 1024 + 1024)
    g_string_append (doc, "word ");
  g_string_append (doc, "</title></item>\n</channel></rss>\n");
  return g_string_free (doc, FALSE);
}

static void
test_feed_shown_literally (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *feed_url = mw_test_server_url (fixture->server, "/evil.xml");
  g_autofree char *rss = hostile_feed ();
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) uris = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autofree char *article_text = NULL;
  g_auto(GStrv) links = NULL;
  MwTestResource *resource;
  MwFeedList *feeds = mw_application_get_feeds (app);
  MwFeedsPage *page = mw_window_get_feeds_page (fixture->window);
  GListModel *articles = mw_feeds_page_get_articles (page);
  GtkWidget *window = GTK_WIDGET (fixture->window);
  MwItemView *view;
  GtkWidget *button;
  GtkLabel *label;
  gboolean long_title_seen = FALSE;

  body = g_bytes_new (rss, strlen (rss));
  resource = mw_test_server_add (fixture->server, "/evil.xml", body);
  resource->content_type = g_strdup ("application/rss+xml");

  mw_window_subscribe (fixture->window, feed_url);
  mw_test_wait_until (shows_three_articles, page, MW_TEST_PATIENCE_MS, "the feed and its articles to show");
  mw_test_iterate_for (300);

  /* The feed's row and the article rows show their titles as written. */
  label = wait_for_literal_label (window, FEED_TITLE, FALSE);
  g_assert_false (gtk_label_get_use_markup (label));
  wait_for_literal_label (window, MARKUP_TITLE, FALSE);
  wait_for_literal_label (window, ESCAPED_TITLE, FALSE);

  /* The megabyte title was cut, and its row, ellipsized, was laid out and drawn. */
  collect_labels (window, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *candidate = g_ptr_array_index (labels, i);
      const char *text = gtk_label_get_text (candidate);

      if (!g_str_has_prefix (text, "word word"))
        continue;
      long_title_seen = TRUE;
      g_assert_cmpuint (strlen (text), <=, 2048);
      g_assert_cmpint (gtk_label_get_ellipsize (candidate), ==, PANGO_ELLIPSIZE_END);
      g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (candidate)), <, 200);
    }
  g_assert_true (long_title_seen);

  /* The article: title and author as written, no address to open, nothing to download. */
  g_assert_true (mw_feeds_page_open_article (page, position_of (articles, MARKUP_TITLE)));
  mw_test_iterate_for (100);
  wait_for_literal_label (GTK_WIDGET (page), MARKUP_TITLE, FALSE);
  label = wait_for_literal_label (GTK_WIDGET (page), FEED_TITLE " · " AUTHOR " · ", TRUE);
  g_assert_false (gtk_label_get_use_markup (label));
  button = mw_test_find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, mw_test_has_action, "feeds.open-in-browser");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_sensitive (button) && gtk_widget_is_visible (button));
  g_assert_null (mw_test_find_widget (GTK_WIDGET (page), GTK_TYPE_BUTTON, mw_test_has_action,
                                     "feeds.download-enclosure"));

  /* Its text is text; only the web link is one. */
  view = MW_ITEM_VIEW (mw_test_find_widget (GTK_WIDGET (page), MW_TYPE_ITEM_VIEW, NULL, NULL));
  g_assert_nonnull (view);
  article_text = mw_item_view_dup_text (view);
  g_assert_cmpstr (article_text, ==, "Links: js, file, data, ok.\n\nred? <b>not bold</b>");
  links = mw_item_view_dup_links (view);
  g_assert_cmpuint (g_strv_length (links), ==, 1);
  g_assert_cmpstr (links[0], ==, "https://ok.example/");
  g_signal_connect (view, "link-activated", G_CALLBACK (count_cb), uris);
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (article_text, "js") + 1));
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (article_text, "file") + 1));
  g_assert_false (mw_item_view_activate_link_at_offset (view, offset_of (article_text, "data") + 1));
  g_assert_cmpuint (uris->len, ==, 0);

  /* The other article's file: link is no link either. */
  g_assert_true (mw_feeds_page_open_article (page, position_of (articles, ESCAPED_TITLE)));
  mw_test_iterate_for (100);
  wait_for_literal_label (GTK_WIDGET (page), ESCAPED_TITLE, FALSE);
  g_assert_false (gtk_widget_is_sensitive (button) && gtk_widget_is_visible (button));

  /* And the long one opens without the window hanging. */
  g_assert_true (mw_feeds_page_open_article (page, position_of (articles, "word word")));
  mw_test_iterate_for (300);

  /* Unsubscribing: the toast names the feed as written, not in bold. */
  {
    g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (feeds), 0);

    mw_feeds_page_select_feed (page, feed);
  }
  mw_test_iterate_for (50);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "feeds.unsubscribe", NULL));
  wait_for_literal_label (window, "Unsubscribed from “" FEED_TITLE "”", FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (feeds)), ==, 0);
}

static void
test_download_name_toast (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GBytes) body = mw_test_make_bytes (5000, 3);
  g_autofree char *url = mw_test_server_url (fixture->server, "/file.bin");
  g_autoptr(GError) error = NULL;
  MwDownloadList *downloads = mw_application_get_downloads (app);
  MwTestResource *resource;
  g_autoptr(MwDownload) download = NULL;

  resource = mw_test_server_add (fixture->server, "/file.bin", body);
  resource->content_disposition = g_strdup ("attachment; filename=\"Tom & Jerry <3 & <b>.mp3\"");

  mw_window_show_page (fixture->window, "downloads");
  g_assert_true (mw_window_add_url (fixture->window, url, &error));
  g_assert_no_error (error);
  download = g_list_model_get_item (G_LIST_MODEL (downloads), 0);
  mw_test_wait_until_at_rest (download, MW_DOWNLOAD_COMPLETED);

  /* The server's name, made safe, is shown as it is in the row and in the toast. */
  wait_for_literal_label (GTK_WIDGET (fixture->window), "Tom & Jerry _3 & _b_.mp3", FALSE);
  mw_window_remove_download (fixture->window, download);
  wait_for_literal_label (GTK_WIDGET (fixture->window), "“Tom & Jerry _3 & _b_.mp3” removed", FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int status;

  app = mw_test_window_init (&argc, &argv, &data_home);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/hostile-feed/shown-literally", test_feed_shown_literally);
  ADD ("/hostile-feed/download-name-toast", test_download_name_toast);

#undef ADD

  status = g_test_run ();
  g_clear_object (&app);
  mw_test_remove_tree (data_home);
  return status;
}
