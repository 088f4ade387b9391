/* mw-feeds-page.c: subscriptions, their articles, and the article being read
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The articles list is a declared pipeline of list models: the selected feed's articles
 * (or every feed's, flattened), sorted newest first, filtered by the search and the
 * All/Unread/Starred choice. Sorting and filtering run incrementally, so fifty thousand
 * articles arriving, or being searched, never hold the main loop. The panes, and where
 * the focus goes among them, are in mw-feeds-page-panes.c.
 */
#define G_LOG_DOMAIN "mw-feeds-page"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-article-row.h"
#include "mw-compat.h"
#include "mw-feed-row.h"
#include "mw-feeds-page-private.h"
#include "mw-format.h"
#include "mw-window.h"

/* Articles marked read in one dispatch: fifty thousand notifications at once would
 * hold the window for a good part of a second. */
#define MARK_READ_BATCH 500

G_DEFINE_FINAL_TYPE (MwFeedsPage, mw_feeds_page, GTK_TYPE_WIDGET)

/* --- Which articles are shown ---------------------------------------------------------- */

static gboolean
article_visible (gpointer item,
                 gpointer user_data)
{
  MwFeedsPage *self = user_data;
  MwFeedItem *article = item;

  if (self->show == SHOW_UNREAD && mw_feed_item_get_read (article) && article != self->open_article)
    return FALSE;
  if (self->show == SHOW_STARRED && !mw_feed_item_get_starred (article))
    return FALSE;
  if (self->search == NULL)
    return TRUE;
  /* Folded once per article, when it was parsed: here it is only compared. */
  return strstr (mw_feed_item_get_search_text (article), self->search) != NULL;
}

/* Whether articles are still being sorted or filtered: the list may yet fill. */
gboolean
_mw_feeds_page_articles_pending (MwFeedsPage *self)
{
  return gtk_sort_list_model_get_pending (self->sorted) > 0 || gtk_filter_list_model_get_pending (self->filtered) > 0;
}

/* An empty list says why: nothing matches the search, or nothing is there. While the
 * articles are sorted and filtered, the list stays, rather than say so for a moment. */
static void
update_articles_state (MwFeedsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  guint n_feeds = self->feeds ? g_list_model_get_n_items (G_LIST_MODEL (self->feeds)) : 0;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (n > 0 || _mw_feeds_page_articles_pending (self))
    gtk_stack_set_visible_child_name (self->articles_stack, "list");
  else
    {
      if (self->search != NULL)
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
          g_autofree char *description = g_strdup_printf (_("No articles match “%s”"), text);
          /* A status page's description is markup. */
          g_autofree char *escaped = g_markup_escape_text (description, -1);

          adw_status_page_set_description (self->no_results_page, escaped);
          gtk_stack_set_visible_child_name (self->articles_stack, "no-results");
        }
      else
        gtk_stack_set_visible_child_name (self->articles_stack, "empty");
      /* The focus does not stay behind in the list just hidden. */
      if (focus != NULL && (focus == GTK_WIDGET (self->article_view) ||
                            gtk_widget_is_ancestor (focus, GTK_WIDGET (self->article_view))))
        {
          gtk_root_set_focus (root, NULL);
          gtk_widget_child_focus (self->articles_pane, GTK_DIR_TAB_FORWARD);
        }
    }
  gtk_stack_set_visible_child_name (self->stack, n_feeds > 0 ? "feeds" : "empty");
  /* The first subscription starts over from the list of subscriptions. */
  if (n_feeds == 0)
    mw_panes_set_visible_pane (self->panes, self->sidebar);
}

/* The filter changed: fifty thousand articles are filtered again in steps, a frame's work
 * at a time. Otherwise the filter works at once (filtering_done_cb): the articles a
 * refresh merges pass through it in the same change that brought them, so the list
 * keeps the rows of the articles it already shows. Filtered in steps, the change would
 * first take them all away and then bring them back a moment later, and the list would
 * make every row again for each feed merged. */
static void
refilter (MwFeedsPage *self)
{
  gtk_filter_list_model_set_incremental (self->filtered, TRUE);
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
filtering_done_cb (MwFeedsPage *self)
{
  if (gtk_filter_list_model_get_pending (self->filtered) == 0)
    gtk_filter_list_model_set_incremental (self->filtered, FALSE);
}

static void
search_changed_cb (MwFeedsPage *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  g_clear_pointer (&self->search, g_free);
  if (text != NULL && *text != '\0')
    self->search = mw_feed_fold_for_search (text);
  refilter (self);
  update_articles_state (self);
}

/* A search belongs to the list it was typed in: another feed starts without one. */
static void
end_search (MwFeedsPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

static void
filter_toggled_cb (MwFeedsPage *self)
{
  if (gtk_toggle_button_get_active (self->filter_unread))
    self->show = SHOW_UNREAD;
  else if (gtk_toggle_button_get_active (self->filter_starred))
    self->show = SHOW_STARRED;
  else
    self->show = SHOW_ALL;
  refilter (self);
}

static gpointer
items_of_feed (gpointer item,
               gpointer user_data)
{
  GListModel *items = mw_feed_get_items (MW_FEED (item));

  g_object_unref (item);
  return g_object_ref (items);
}

/* Lists the articles of @feed, or of every feed. */
void
_mw_feeds_page_show_feed (MwFeedsPage *self,
                          MwFeed      *feed)
{
  GListModel *articles = feed != NULL ? mw_feed_get_items (feed) : G_LIST_MODEL (self->all_items);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "feeds.unsubscribe", feed != NULL);
  if (gtk_sort_list_model_get_model (self->sorted) == articles)
    return;
  end_search (self);
  gtk_sort_list_model_set_model (self->sorted, articles);
}

static void
all_clicked_cb (MwFeedsPage *self)
{
  end_search (self);
  _mw_feeds_page_open_all (self);
}

void
mw_feeds_page_select_feed (MwFeedsPage *self,
                           MwFeed      *feed)
{
  guint position;

  g_return_if_fail (MW_IS_FEEDS_PAGE (self));

  for (position = 0; position < g_list_model_get_n_items (G_LIST_MODEL (self->feeds)); position++)
    {
      g_autoptr(MwFeed) other = g_list_model_get_item (G_LIST_MODEL (self->feeds), position);
      if (other == feed)
        {
          _mw_feeds_page_open_feed_at (self, position);
          return;
        }
    }
}

/* --- The open article ------------------------------------------------------------------ */

static void
update_article_star (MwFeedsPage *self)
{
  gboolean starred = self->open_article != NULL && mw_feed_item_get_starred (self->open_article);

  gtk_toggle_button_set_active (self->article_star, starred);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->article_star), GTK_ACCESSIBLE_STATE_PRESSED,
                               starred ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
  gtk_button_set_icon_name (GTK_BUTTON (self->article_star), starred ? "starred-symbolic" : "non-starred-symbolic");
}

static void
article_star_toggled_cb (MwFeedsPage *self)
{
  gboolean active = gtk_toggle_button_get_active (self->article_star);

  if (self->open_article != NULL && mw_feed_item_get_starred (self->open_article) != active)
    mw_feed_item_set_starred (self->open_article, active);
}

/* Shows @article in the article pane (and marks it read), or that none is chosen. */
void
_mw_feeds_page_show_article (MwFeedsPage *self,
                             MwFeedItem  *article)
{
  g_autoptr(GObject) feed = NULL;
  g_autoptr(GString) meta = g_string_new (NULL);
  g_autoptr(GDateTime) date = NULL;
  GtkWidget *child;
  GPtrArray *enclosures;
  const char *content;

  if (self->open_article != NULL)
    g_signal_handlers_disconnect_by_func (self->open_article, update_article_star, self);
  g_set_object (&self->open_article, article);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->enclosures_box))) != NULL)
    gtk_box_remove (self->enclosures_box, child);
  update_article_star (self);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "feeds.toggle-star", article != NULL);

  /* Without an article the pane says so, and nothing empty in it takes the focus. */
  if (article == NULL)
    {
      gtk_stack_set_visible_child_name (self->article_stack, "empty");
      gtk_label_set_text (self->article_title, "");
      gtk_label_set_text (self->article_meta, "");
      mw_item_view_set_html (self->item_view, NULL, NULL);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "feeds.open-in-browser", FALSE);
      return;
    }

  mw_feed_item_set_read (article, TRUE);
  feed = mw_feed_item_dup_feed (article);
  g_signal_connect_object (article, "notify::starred", G_CALLBACK (update_article_star), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->article_stack, "article");

  gtk_label_set_text (self->article_title, mw_feed_item_get_title (article) && *mw_feed_item_get_title (article)
                                           ? mw_feed_item_get_title (article) : _("Untitled"));
  if (feed != NULL)
    {
      g_autofree char *source = mw_feed_dup_display_title (MW_FEED (feed));
      g_string_append (meta, source);
    }
  if (mw_feed_item_get_author (article) != NULL)
    g_string_append_printf (meta, "%s%s", meta->len ? " · " : "", mw_feed_item_get_author (article));
  if (mw_feed_item_get_date (article) > 0)
    {
      g_autofree char *when = mw_format_date (mw_feed_item_get_date (article),
                                              g_get_real_time () / G_USEC_PER_SEC,
                                              MW_DATE_WITH_TIME);
      g_string_append_printf (meta, "%s%s", meta->len ? " · " : "", when);
    }
  gtk_label_set_text (self->article_meta, meta->str);

  gtk_widget_set_visible (self->open_button, mw_feed_item_get_link (article) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "feeds.open-in-browser",
                                 mw_feed_item_get_link (article) != NULL);

  /* Each enclosure gets a button that hands it to the downloader. Its label gives way
   * in a narrow pane rather than widen it. */
  enclosures = mw_feed_item_get_enclosures (article);
  for (guint i = 0; enclosures != NULL && i < enclosures->len; i++)
    {
      MwEnclosure *enclosure = g_ptr_array_index (enclosures, i);
      g_autofree char *base = g_path_get_basename (enclosure->url);
      g_autofree char *size = enclosure->length > 0 ? g_format_size (enclosure->length) : NULL;
      g_autofree char *label = size ? g_strdup_printf (_("Download %s (%s)"), base, size)
                                    : g_strdup_printf (_("Download %s"), base);
      GtkWidget *button = gtk_button_new_with_label (label);

      gtk_label_set_ellipsize (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), PANGO_ELLIPSIZE_MIDDLE);
      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "feeds.download-enclosure");
      gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), g_variant_new_string (enclosure->url));
      gtk_widget_set_tooltip_text (button, enclosure->url);
      gtk_box_append (self->enclosures_box, button);
    }

  content = mw_feed_item_get_content (article);
  if (content == NULL || *content == '\0')
    content = mw_feed_item_get_summary (article);
  mw_item_view_set_html (self->item_view, content, mw_feed_item_get_link (article));
}

GListModel *
mw_feeds_page_get_articles (MwFeedsPage *self)
{
  g_return_val_if_fail (MW_IS_FEEDS_PAGE (self), NULL);
  return G_LIST_MODEL (self->article_selection);
}

gboolean
mw_feeds_page_open_article (MwFeedsPage *self,
                            guint        position)
{
  g_return_val_if_fail (MW_IS_FEEDS_PAGE (self), FALSE);

  if (position >= g_list_model_get_n_items (G_LIST_MODEL (self->article_selection)))
    return FALSE;
  _mw_feeds_page_open_article_at (self, position);
  return TRUE;
}

MwFeedItem *
mw_feeds_page_get_open_article (MwFeedsPage *self)
{
  g_return_val_if_fail (MW_IS_FEEDS_PAGE (self), NULL);
  return self->open_article;
}

void
mw_feeds_page_set_demo_available (MwFeedsPage *self,
                                  gboolean     available)
{
  g_return_if_fail (MW_IS_FEEDS_PAGE (self));
  gtk_widget_set_visible (self->demo_button, available);
}

static void
link_activated_cb (MwFeedsPage *self,
                   const char  *uri)
{
  /* Only web links reach here; the view never makes anything else clickable. */
  if (g_str_has_prefix (uri, "https://") || g_str_has_prefix (uri, "http://"))
    mw_launch_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), uri);
}

/* --- Actions ------------------------------------------------------------------------------ */

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);

  for (guint i = 0; self->feeds && i < g_list_model_get_n_items (G_LIST_MODEL (self->feeds)); i++)
    {
      g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (self->feeds), i);
      mw_feed_list_refresh_async (self->feeds, feed, NULL, NULL, NULL);
    }
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);

  _mw_feeds_page_reveal (self, self->articles_pane);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* Marks the next batch of articles read; the window draws its frames in between. */
static gboolean
mark_read_batch_cb (gpointer user_data)
{
  MwFeedsPage *self = user_data;
  guint n = 0;

  while (n < MARK_READ_BATCH && !g_queue_is_empty (&self->mark_read))
    {
      GListModel *articles = g_queue_peek_head (&self->mark_read);

      if (self->mark_read_position >= g_list_model_get_n_items (articles))
        {
          g_object_unref (g_queue_pop_head (&self->mark_read));
          self->mark_read_position = 0;
          continue;
        }
      {
        g_autoptr(MwFeedItem) item = g_list_model_get_item (articles, self->mark_read_position++);

        mw_feed_item_set_read (item, TRUE);
        n++;
      }
    }
  if (!g_queue_is_empty (&self->mark_read))
    return G_SOURCE_CONTINUE;
  self->mark_read_source = 0;
  return G_SOURCE_REMOVE;
}

/* The articles of the feed shown, or of every feed: a feed at a time, a batch at a time. */
static void
mark_all_read_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);
  MwFeed *selected = gtk_single_selection_get_selected_item (self->feed_selection);

  if (selected != NULL)
    g_queue_push_tail (&self->mark_read, g_object_ref (mw_feed_get_items (selected)));
  else
    for (guint i = 0; self->feeds && i < g_list_model_get_n_items (G_LIST_MODEL (self->feeds)); i++)
      {
        g_autoptr(MwFeed) feed = g_list_model_get_item (G_LIST_MODEL (self->feeds), i);

        g_queue_push_tail (&self->mark_read, g_object_ref (mw_feed_get_items (feed)));
      }
  if (self->mark_read_source == 0 && !g_queue_is_empty (&self->mark_read))
    self->mark_read_source = g_idle_add (mark_read_batch_cb, self);
}

static void
step_unread (MwFeedsPage *self,
             int          direction)
{
  GListModel *model = G_LIST_MODEL (self->article_selection);
  guint n = g_list_model_get_n_items (model);
  guint current = gtk_single_selection_get_selected (self->article_selection);
  gint64 i = current == GTK_INVALID_LIST_POSITION ? (direction > 0 ? -1 : (gint64) n) : (gint64) current;

  for (i += direction; i >= 0 && i < (gint64) n; i += direction)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (model, (guint) i);

      if (!mw_feed_item_get_read (item))
        {
          _mw_feeds_page_open_article_at (self, (guint) i);
          gtk_widget_activate_action (GTK_WIDGET (self->article_view), "list.scroll-to-item", "u", (guint) i);
          return;
        }
    }
  gtk_widget_error_bell (GTK_WIDGET (self));
}

static void
next_unread_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  step_unread (MW_FEEDS_PAGE (widget), 1);
}

static void
previous_unread_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  step_unread (MW_FEEDS_PAGE (widget), -1);
}

/* Stars the article chosen in the list, or takes its star away. */
static void
toggle_star_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);
  MwFeedItem *article = gtk_single_selection_get_selected_item (self->article_selection);

  if (article == NULL)
    article = self->open_article;
  if (article != NULL)
    mw_feed_item_set_starred (article, !mw_feed_item_get_starred (article));
}

typedef struct
{
  GWeakRef    page;
  MwDownload *download;
} ShownDownload;

static void
shown_download_free (gpointer data,
                     GClosure *closure)
{
  ShownDownload *shown = data;

  g_weak_ref_clear (&shown->page);
  g_object_unref (shown->download);
  g_free (shown);
}

static void
show_download_cb (AdwToast      *toast,
                  ShownDownload *shown)
{
  g_autoptr(GtkWidget) page = g_weak_ref_get (&shown->page);
  GtkRoot *root = page != NULL ? gtk_widget_get_root (page) : NULL;

  if (!MW_IS_WINDOW (root))
    return;
  mw_window_show_page (MW_WINDOW (root), "downloads");
  mw_window_scroll_to_download (MW_WINDOW (root), shown->download);
}

/* An enclosure goes to the downloader, and a toast says so, with a way to watch it. */
static void
download_enclosure_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  ShownDownload *shown;
  MwDownload *download;
  AdwToast *toast;

  if (!MW_IS_WINDOW (root))
    return;
  download = mw_download_list_add (mw_window_get_downloads (MW_WINDOW (root)),
                                   g_variant_get_string (parameter, NULL), NULL, &error);
  if (download == NULL)
    {
      mw_window_show_message (MW_WINDOW (root), error->message);
      return;
    }
  if (overlay == NULL)
    return;

  name = mw_download_dup_display_name (download);
  text = g_strdup_printf (_("Downloading “%s”"), name);
  toast = mw_toast_new_literal (text);
  /* No mnemonic: its underscore would reach the button's accessible name. */
  adw_toast_set_button_label (toast, _("Show"));
  shown = g_new0 (ShownDownload, 1);
  g_weak_ref_init (&shown->page, widget);
  shown->download = g_object_ref (download);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (show_download_cb), shown, shown_download_free, 0);
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

static void
open_in_browser_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);

  if (self->open_article != NULL && mw_feed_item_get_link (self->open_article) != NULL)
    link_activated_cb (self, mw_feed_item_get_link (self->open_article));
}

typedef struct
{
  MwFeedList *feeds;
  MwFeed     *feed;
  guint       position;
} Unsubscribe;

static void
unsubscribe_free (Unsubscribe *unsubscribe)
{
  g_object_unref (unsubscribe->feeds);
  g_object_unref (unsubscribe->feed);
  g_free (unsubscribe);
}

static void
undo_unsubscribe_cb (AdwToast    *toast,
                     Unsubscribe *unsubscribe)
{
  mw_feed_list_insert (unsubscribe->feeds, unsubscribe->position, unsubscribe->feed);
}

static void
unsubscribe_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);
  MwFeed *feed = gtk_single_selection_get_selected_item (self->feed_selection);
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  Unsubscribe *unsubscribe;
  AdwToast *toast;

  if (feed == NULL)
    return;

  unsubscribe = g_new0 (Unsubscribe, 1);
  unsubscribe->feeds = g_object_ref (self->feeds);
  unsubscribe->feed = mw_feed_list_take (self->feeds, feed, &unsubscribe->position);
  if (unsubscribe->feed == NULL)
    {
      g_object_unref (unsubscribe->feeds);
      g_free (unsubscribe);
      return;
    }

  title = mw_feed_dup_display_title (unsubscribe->feed);
  text = g_strdup_printf (_("Unsubscribed from “%s”"), title);
  toast = mw_toast_new_literal (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_unsubscribe_cb), unsubscribe,
                         (GClosureNotify) unsubscribe_free, 0);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (toast);
}

/* --- The article list while the page is hidden -------------------------------------------- */

/* A refresh of many feeds changes a list sorted by date almost from end to end, again and
 * again, and for each such change GTK's list view looks up every article of it (GTK 4.8
 * does so when a row it keeps is in the change): four tenths of a second at 60,000
 * articles, while the window cannot answer. A list nobody sees need not: when such a
 * change comes while the page is hidden, the list lets its model go, and takes it back
 * when the page is shown, making its rows once. This runs before the filter hears of the
 * change, so before the list does. */
#define DETACH_ABOVE 1000

static void
sorted_changed_cb (GListModel  *sorted,
                   guint        position,
                   guint        removed,
                   guint        added,
                   MwFeedsPage *self)
{
  if (self->list_detached || gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      (guint64) removed + added <= DETACH_ABOVE)
    return;
  self->list_detached = TRUE;
  gtk_list_view_set_model (self->article_view, NULL);
}

static void
mw_feeds_page_map (GtkWidget *widget)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);

  if (self->list_detached)
    {
      self->list_detached = FALSE;
      gtk_list_view_set_model (self->article_view, GTK_SELECTION_MODEL (self->article_selection));
    }
  GTK_WIDGET_CLASS (mw_feeds_page_parent_class)->map (widget);
}

/* --- Life cycle -------------------------------------------------------------------------- */

void
mw_feeds_page_set_feeds (MwFeedsPage *self,
                         MwFeedList  *feeds)
{
  g_autoptr(GtkMapListModel) mapped = NULL;

  g_return_if_fail (MW_IS_FEEDS_PAGE (self));
  g_return_if_fail (self->feeds == NULL);

  self->feeds = g_object_ref (feeds);
  gtk_single_selection_set_model (self->feed_selection, G_LIST_MODEL (feeds));
  mapped = gtk_map_list_model_new (g_object_ref (G_LIST_MODEL (feeds)), items_of_feed, NULL, NULL);
  self->all_items = gtk_flatten_list_model_new (G_LIST_MODEL (g_steal_pointer (&mapped)));
  gtk_sort_list_model_set_model (self->sorted, G_LIST_MODEL (self->all_items));

  g_signal_connect_object (feeds, "items-changed", G_CALLBACK (update_articles_state), self, G_CONNECT_SWAPPED);
  update_articles_state (self);
}

static void
mw_feeds_page_dispose (GObject *object)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (object);

  if (self->open_article != NULL)
    g_signal_handlers_disconnect_by_func (self->open_article, update_article_star, self);
  g_clear_object (&self->open_article);
  g_clear_handle_id (&self->mark_read_source, g_source_remove);
  g_queue_clear_full (&self->mark_read, g_object_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), MW_TYPE_FEEDS_PAGE);
  g_clear_object (&self->feed_selection);
  g_clear_object (&self->article_selection);
  g_clear_object (&self->all_items);
  g_clear_object (&self->feeds);

  G_OBJECT_CLASS (mw_feeds_page_parent_class)->dispose (object);
}

static void
mw_feeds_page_finalize (GObject *object)
{
  g_free (MW_FEEDS_PAGE (object)->search);
  G_OBJECT_CLASS (mw_feeds_page_parent_class)->finalize (object);
}

static void
mw_feeds_page_class_init (MwFeedsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = mw_feeds_page_dispose;
  object_class->finalize = mw_feeds_page_finalize;
  widget_class->map = mw_feeds_page_map;

  g_type_ensure (MW_TYPE_PANES);
  g_type_ensure (MW_TYPE_FEED_ROW);
  g_type_ensure (MW_TYPE_ARTICLE_ROW);
  g_type_ensure (MW_TYPE_ITEM_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/mw-feeds-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, panes);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, sidebar);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, articles_pane);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, article_pane);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, feed_view);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, article_view);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, articles_stack);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, filter_unread);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, filter_starred);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, all_button);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, articles_back_button);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, article_back_button);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, article_stack);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, article_title);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, article_meta);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, article_star);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, enclosures_box);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, item_view);
  gtk_widget_class_bind_template_child (widget_class, MwFeedsPage, demo_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, article_star_toggled_cb);

  gtk_widget_class_install_action (widget_class, "feeds.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "feeds.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "feeds.mark-all-read", NULL, mark_all_read_action);
  gtk_widget_class_install_action (widget_class, "feeds.next-unread", NULL, next_unread_action);
  gtk_widget_class_install_action (widget_class, "feeds.previous-unread", NULL, previous_unread_action);
  gtk_widget_class_install_action (widget_class, "feeds.open-in-browser", NULL, open_in_browser_action);
  gtk_widget_class_install_action (widget_class, "feeds.unsubscribe", NULL, unsubscribe_action);
  gtk_widget_class_install_action (widget_class, "feeds.toggle-star", NULL, toggle_star_action);
  gtk_widget_class_install_action (widget_class, "feeds.download-enclosure", "s", download_enclosure_action);
  gtk_widget_class_install_action (widget_class, "feeds.back", NULL, _mw_feeds_page_back_action);
}

/* The page's keys work wherever the focus is in the window (the header bar, a toast)
 * while the page is on screen: the window runs them, and only for a mapped page. */
static void
add_shortcuts (MwFeedsPage *self)
{
  static const struct
  {
    guint           keyval;
    GdkModifierType modifiers;
    const char     *action;
  } keys[] = {
    { GDK_KEY_r, GDK_CONTROL_MASK, "feeds.refresh" },
    { GDK_KEY_f, GDK_CONTROL_MASK, "feeds.search" },
    { GDK_KEY_n, GDK_CONTROL_MASK, "feeds.next-unread" },
    { GDK_KEY_p, GDK_CONTROL_MASK, "feeds.previous-unread" },
    { GDK_KEY_d, GDK_CONTROL_MASK, "feeds.toggle-star" },
    { GDK_KEY_Left, GDK_ALT_MASK, "feeds.back" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (controller), GTK_SHORTCUT_SCOPE_GLOBAL);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].keyval, keys[i].modifiers),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
mw_feeds_page_init (MwFeedsPage *self)
{
  GtkSorter *sorter;

  gtk_widget_init_template (GTK_WIDGET (self));
  mw_panes_set_titles (self->panes, _("Subscriptions"), _("Articles"), _("Article"));

  self->feed_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->feed_selection, FALSE);
  gtk_list_view_set_model (self->feed_view, GTK_SELECTION_MODEL (self->feed_selection));

  sorter = GTK_SORTER (gtk_numeric_sorter_new (gtk_property_expression_new (MW_TYPE_FEED_ITEM, NULL, "date")));
  gtk_numeric_sorter_set_sort_order (GTK_NUMERIC_SORTER (sorter), GTK_SORT_DESCENDING);
  self->sorted = gtk_sort_list_model_new (NULL, sorter);
  /* Fifty thousand articles sort in steps, a frame's work at a time, not in one stall
   * when the saved feeds arrive. */
  gtk_sort_list_model_set_incremental (self->sorted, TRUE);
  g_signal_connect_object (self->sorted, "items-changed", G_CALLBACK (sorted_changed_cb), self, 0);
  self->filter = gtk_custom_filter_new (article_visible, self, NULL);
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->sorted), GTK_FILTER (self->filter));
  g_signal_connect_object (self->filtered, "notify::pending", G_CALLBACK (filtering_done_cb), self,
                           G_CONNECT_SWAPPED);
  self->article_selection = gtk_single_selection_new (G_LIST_MODEL (self->filtered));
  gtk_single_selection_set_autoselect (self->article_selection, FALSE);
  gtk_list_view_set_model (self->article_view, GTK_SELECTION_MODEL (self->article_selection));
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_articles_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->filtered, "notify::pending", G_CALLBACK (update_articles_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->sorted, "notify::pending", G_CALLBACK (update_articles_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->item_view, "link-activated", G_CALLBACK (link_activated_cb), self,
                           G_CONNECT_SWAPPED);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "feeds.unsubscribe", FALSE);
  _mw_feeds_page_panes_init (self);
  _mw_feeds_page_show_article (self, NULL);
  update_articles_state (self);
  add_shortcuts (self);
  mw_name_mnemonic_buttons (GTK_WIDGET (self));
}
