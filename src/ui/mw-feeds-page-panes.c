/* mw-feeds-page-panes.c: the three panes of the feeds page, side by side or folded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Side by side, choosing a feed or an article shows it and leaves the focus where it
 * was, so that the arrow keys go on through the list. Folded (a narrow window), one pane
 * shows at a time: the arrow keys move through a list without leaving it or opening
 * (and marking read) what they pass, while a click, Return or Space opens what is
 * chosen, slides its pane in and puts the focus there. Each pane but the first has a
 * back button, as Alt+Left does; going back puts the focus on the row it came from.
 * Runs on the main thread.
 */
#define G_LOG_DOMAIN "mw-feeds-page"

#include "config.h"

#include "mw-article-row.h"
#include "mw-compat.h"
#include "mw-feed-row.h"
#include "mw-feeds-page-private.h"

gboolean
_mw_feeds_page_is_folded (MwFeedsPage *self)
{
  return mw_panes_get_folded (self->panes);
}

static gboolean
shows (MwFeedsPage *self,
       GtkWidget   *pane)
{
  return mw_panes_get_visible_pane (self->panes) == pane;
}

/* Puts the focus in @pane: on the list of feeds, on the list of articles (or, with none
 * listed, on its bar), on the article's text. A list gives it to the row it last had.
 * A list still being filled takes the focus; if it turns out empty, it gives it to the
 * bar (mw-feeds-page.c). */
static void
focus_pane (MwFeedsPage *self,
            GtkWidget   *pane)
{
  GtkWidget *target = NULL;

  if (pane == self->sidebar)
    target = GTK_WIDGET (self->feed_view);
  else if (pane == self->articles_pane &&
           (g_list_model_get_n_items (G_LIST_MODEL (self->article_selection)) > 0 ||
            _mw_feeds_page_articles_pending (self)))
    target = GTK_WIDGET (self->article_view);
  else if (pane == self->article_pane && self->open_article != NULL)
    target = GTK_WIDGET (self->item_view);

  if (target == NULL || !gtk_widget_grab_focus (target))
    gtk_widget_child_focus (pane, GTK_DIR_TAB_FORWARD);
}

/* Folded, the focus follows the pane in view: it must not stay behind in a hidden one
 * (or be lost with it), where keys would act on what nobody sees. When the pane in view
 * has just changed, it goes where focus_pane() puts it rather than where the panes
 * would (the pane's first button, or a row since recycled for another article). */
static void
follow_visible_pane (MwFeedsPage *self,
                     gboolean     pane_changed)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *visible = mw_panes_get_visible_pane (self->panes);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!_mw_feeds_page_is_folded (self) || visible == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self)) ||
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "feeds") != 0)
    return;
  if (focus != NULL && !gtk_widget_is_ancestor (focus, GTK_WIDGET (self->panes)))
    return;
  if (focus != NULL && !pane_changed && gtk_widget_is_ancestor (focus, visible))
    return;
  focus_pane (self, visible);
}

static void
update_back (MwFeedsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "feeds.back",
                                 _mw_feeds_page_is_folded (self) && !shows (self, self->sidebar));
}

/* Brings @pane into view when the panes are folded; side by side it is the pane that
 * will show when they fold. */
void
_mw_feeds_page_reveal (MwFeedsPage *self,
                       GtkWidget   *pane)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr(GtkWidget) focus = root != NULL && gtk_root_get_focus (root) != NULL
                               ? g_object_ref (gtk_root_get_focus (root)) : NULL;
  gboolean folded = _mw_feeds_page_is_folded (self);

  /* Side by side, the panes would take the focus along into the pane now in front
   * (selecting the article's title, and with it the primary selection): the pane cannot
   * take it for the moment, and the focus stays in the list, where the arrow keys go on
   * to the next article. */
  if (!folded)
    gtk_widget_set_can_focus (pane, FALSE);
  mw_panes_set_visible_pane (self->panes, pane);
  if (!folded)
    gtk_widget_set_can_focus (pane, TRUE);
  if (!folded && focus != NULL && gtk_root_get_focus (root) != focus)
    gtk_widget_grab_focus (focus);
}

void
_mw_feeds_page_back_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *parameter)
{
  MwFeedsPage *self = MW_FEEDS_PAGE (widget);

  mw_panes_go_back (self->panes);
}

static void
visible_child_cb (MwFeedsPage *self)
{
  update_back (self);
  follow_visible_pane (self, TRUE);
}

static void
folded_cb (MwFeedsPage *self)
{
  /* Side by side, the article pane shows the article the list has selected, even one
   * the arrow keys reached while the panes were folded. */
  if (!_mw_feeds_page_is_folded (self))
    {
      MwFeedItem *selected = gtk_single_selection_get_selected_item (self->article_selection);

      if (selected != self->open_article)
        _mw_feeds_page_show_article (self, selected);
    }
  update_back (self);
  follow_visible_pane (self, FALSE);
}

/* --- Choosing in the lists ------------------------------------------------------------ */

static void
feed_selected_cb (MwFeedsPage *self)
{
  MwFeed *feed = gtk_single_selection_get_selected_item (self->feed_selection);
  gboolean reveal = feed != NULL && feed == self->reveal_feed;

  self->reveal_feed = NULL;
  _mw_feeds_page_show_feed (self, feed);
  if (reveal || (feed != NULL && !_mw_feeds_page_is_folded (self)))
    _mw_feeds_page_reveal (self, self->articles_pane);
}

static void
article_selected_cb (MwFeedsPage *self)
{
  MwFeedItem *article = gtk_single_selection_get_selected_item (self->article_selection);
  gboolean folded = _mw_feeds_page_is_folded (self);
  gboolean reveal = article != NULL && article == self->reveal_article;

  self->reveal_article = NULL;
  if (article != NULL && !reveal && folded && !shows (self, self->article_pane))
    return;

  _mw_feeds_page_show_article (self, article);
  if (reveal || (!folded && article != NULL))
    _mw_feeds_page_reveal (self, self->article_pane);
  else if (!folded)
    _mw_feeds_page_reveal (self, self->articles_pane);
}

/* Opens @item of @list: a feed's articles, or an article. When it is the one selected
 * already, its pane comes into view now; otherwise when the selection reaches it. */
static void
open_item (MwFeedsPage *self,
           GtkWidget   *list,
           gpointer     item)
{
  if (list == GTK_WIDGET (self->feed_view))
    {
      self->reveal_feed = NULL;
      if (item == gtk_single_selection_get_selected_item (self->feed_selection))
        _mw_feeds_page_reveal (self, self->articles_pane);
      else
        self->reveal_feed = item;
    }
  else
    {
      self->reveal_article = NULL;
      if (item == gtk_single_selection_get_selected_item (self->article_selection))
        {
          if (item != self->open_article)
            _mw_feeds_page_show_article (self, item);
          _mw_feeds_page_reveal (self, self->article_pane);
        }
      else
        self->reveal_article = item;
    }
}

void
_mw_feeds_page_open_feed_at (MwFeedsPage *self,
                             guint        position)
{
  g_autoptr(GObject) feed = g_list_model_get_item (G_LIST_MODEL (self->feed_selection), position);

  if (feed == NULL)
    return;
  open_item (self, GTK_WIDGET (self->feed_view), feed);
  gtk_single_selection_set_selected (self->feed_selection, position);
}

void
_mw_feeds_page_open_article_at (MwFeedsPage *self,
                                guint        position)
{
  g_autoptr(GObject) article = g_list_model_get_item (G_LIST_MODEL (self->article_selection), position);

  if (article == NULL)
    return;
  open_item (self, GTK_WIDGET (self->article_view), article);
  gtk_single_selection_set_selected (self->article_selection, position);
}

/* All Articles: every feed's articles, in view. */
void
_mw_feeds_page_open_all (MwFeedsPage *self)
{
  gtk_single_selection_set_selected (self->feed_selection, GTK_INVALID_LIST_POSITION);
  _mw_feeds_page_reveal (self, self->articles_pane);
}

/* Return, or a double click. */
static void
list_activated_cb (GtkListView *list,
                   guint        position,
                   MwFeedsPage *self)
{
  if (list == self->feed_view)
    _mw_feeds_page_open_feed_at (self, position);
  else
    _mw_feeds_page_open_article_at (self, position);
}

/* The row of @list that holds @widget, unless @widget is one of the row's buttons (the
 * star), which act on their own. */
static gpointer
item_of (GtkWidget *list,
         GtkWidget *widget)
{
  for (; widget != NULL && widget != list; widget = gtk_widget_get_parent (widget))
    {
      GtkWidget *row;

      if (GTK_IS_BUTTON (widget))
        return NULL;
      if (gtk_widget_get_parent (widget) != list)
        continue;
      /* The list's own child holds the row its factory made. */
      row = gtk_widget_get_first_child (widget);
      if (MW_IS_ARTICLE_ROW (row))
        return mw_article_row_get_item (MW_ARTICLE_ROW (row));
      if (MW_IS_FEED_ROW (row))
        return mw_feed_row_get_feed (MW_FEED_ROW (row));
      return NULL;
    }
  return NULL;
}

/* A click selects a row when the button is released, after this handler, which sees the
 * release first: it marks the row to be opened when the selection reaches it. */
static void
list_released_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  MwFeedsPage     *self)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  gpointer item;

  if (n_press != 1)
    return;
  item = item_of (list, gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT));
  if (item != NULL)
    open_item (self, list, item);
}

/* Space selects the row with the focus, as a click does, and opens it the same way. */
static gboolean
list_key_pressed_cb (GtkEventControllerKey *controller,
                     guint                  keyval,
                     guint                  keycode,
                     GdkModifierType        state,
                     MwFeedsPage           *self)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GtkRoot *root = gtk_widget_get_root (list);
  gpointer item;

  if ((keyval != GDK_KEY_space && keyval != GDK_KEY_KP_Space) ||
      (state & gtk_accelerator_get_default_mod_mask ()) != 0 || root == NULL)
    return FALSE;
  item = item_of (list, gtk_root_get_focus (root));
  if (item != NULL)
    open_item (self, list, item);
  return FALSE;
}

static void
watch_list (MwFeedsPage *self,
            GtkListView *list)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect_object (click, "released", G_CALLBACK (list_released_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (list), GTK_EVENT_CONTROLLER (click));

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (list_key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (list), keys);

  g_signal_connect_object (list, "activate", G_CALLBACK (list_activated_cb), self, 0);
  mw_list_view_tab_leaves (list);
}

void
_mw_feeds_page_panes_init (MwFeedsPage *self)
{
  watch_list (self, self->feed_view);
  watch_list (self, self->article_view);
  g_signal_connect_object (self->feed_selection, "notify::selected-item", G_CALLBACK (feed_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->article_selection, "notify::selected-item", G_CALLBACK (article_selected_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->panes, "notify::folded", G_CALLBACK (folded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->panes, "notify::visible-pane", G_CALLBACK (visible_child_cb), self,
                           G_CONNECT_SWAPPED);
  update_back (self);
}
