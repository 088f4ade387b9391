/* test-feeds-page.c: the Feeds page with the keyboard, a screen reader and a narrow window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real window under Xvfb, driven with real keys and clicks (xdotool, through
 * $MW_XDOTOOL). Each test looks at what a person would: which pane is on screen, where the
 * keyboard focus is, which article is open, what a control is called and whether it is
 * pressed.
 */
#define G_LOG_DOMAIN "test-feeds-page"

#include "config.h"

#include "mw-adaptive.h"
#include "mw-article-row.h"
#include "mw-feed-row.h"
#include "mw-feeds-page.h"
#include "mw-item-view.h"
#include "mw-test-window.h"

typedef MwTestWindow Fixture;

/* Newest first: Alpha, Bravo, Charlie, and one without a title. */
static const char letters_rss[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Letters</title>"
  "<item><title>Alpha</title><guid>a</guid><link>https://letters.example/a</link>"
  "<pubDate>Sat, 21 Nov 2026 10:00:00 GMT</pubDate><description>The first letter</description></item>"
  "<item><title>Bravo</title><guid>b</guid><pubDate>Sat, 21 Nov 2026 09:00:00 GMT</pubDate>"
  "<description>The second letter</description></item>"
  "<item><title>Charlie</title><guid>c</guid><pubDate>Sat, 21 Nov 2026 08:00:00 GMT</pubDate>"
  "<description>The third letter</description></item>"
  "<item><title></title><guid>d</guid><pubDate>Sat, 21 Nov 2026 07:00:00 GMT</pubDate>"
  "<description>A letter with no name</description></item>"
  "</channel></rss>";

static const char numbers_rss[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>Numbers</title>"
  "<item><title>One</title><guid>1</guid><pubDate>Fri, 20 Nov 2026 10:00:00 GMT</pubDate></item>"
  "</channel></rss>";

/* --- The page as a person sees it ------------------------------------------------------ */

static MwFeedsPage *
page_of (Fixture *fixture)
{
  return mw_window_get_feeds_page (fixture->window);
}

static gboolean
is_labelled (GtkWidget     *widget,
             gconstpointer  name)
{
  g_autofree char *mismatch = NULL;

  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return FALSE;
  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name);
  return mismatch == NULL;
}

/* Returns: (transfer none): the widget of @type on the page that a screen reader calls @name */
static GtkWidget *
find_labelled (Fixture    *fixture,
               GType       type,
               const char *name)
{
  GtkWidget *widget = mw_test_find_widget (GTK_WIDGET (page_of (fixture)), type, is_labelled, name);

  if (widget == NULL)
    g_error ("The Feeds page has no %s called “%s”", g_type_name (type), name);
  return widget;
}

static GtkWidget *
feed_list (Fixture *fixture)
{
  return find_labelled (fixture, GTK_TYPE_LIST_VIEW, "Subscriptions");
}

static GtkWidget *
article_list (Fixture *fixture)
{
  return find_labelled (fixture, GTK_TYPE_LIST_VIEW, "Articles");
}

static GtkWidget *
article_text (Fixture *fixture)
{
  return mw_test_find_widget (GTK_WIDGET (page_of (fixture)), MW_TYPE_ITEM_VIEW, NULL, NULL);
}

static gboolean
is_article_title (GtkWidget     *widget,
                  gconstpointer  data)
{
  return gtk_label_get_selectable (GTK_LABEL (widget)) && gtk_widget_has_css_class (widget, "title-2");
}

static GtkWidget *
article_title (Fixture *fixture)
{
  return mw_test_find_widget (GTK_WIDGET (page_of (fixture)), GTK_TYPE_LABEL, is_article_title, NULL);
}

static gboolean
on_screen (GtkWidget *widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static gboolean
shown (gpointer widget)
{
  return on_screen (widget);
}

static gboolean
focus_within (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* An article as its row calls it. */
static const char *
title_of (MwFeedItem *article)
{
  const char *title = mw_feed_item_get_title (article);

  return title != NULL && *title != '\0' ? title : "Untitled";
}

static const char *
open_title (Fixture *fixture)
{
  MwFeedItem *article = mw_feeds_page_get_open_article (page_of (fixture));

  return article != NULL ? title_of (article) : NULL;
}

static gboolean
row_shows_article (GtkWidget     *widget,
                   gconstpointer  title)
{
  MwFeedItem *item = mw_article_row_get_item (MW_ARTICLE_ROW (widget));

  return item != NULL && g_strcmp0 (title_of (item), title) == 0 && on_screen (widget);
}

typedef struct
{
  GtkWidget     *list;
  GType          type;
  MwTestWidgetMatch match;
  gconstpointer  data;
  GtkWidget     *row;
} RowWanted;

static gboolean
row_on_screen (gpointer data)
{
  RowWanted *wanted = data;

  wanted->row = mw_test_find_widget (wanted->list, wanted->type, wanted->match, wanted->data);
  return wanted->row != NULL;
}

/* Returns: (transfer none): the row that shows the article @title, once on screen */
static GtkWidget *
article_row (Fixture    *fixture,
             const char *title)
{
  RowWanted wanted = { article_list (fixture), MW_TYPE_ARTICLE_ROW, row_shows_article, title, NULL };
  g_autofree char *what = g_strdup_printf ("a row to show the article “%s”", title);

  mw_test_wait_until (row_on_screen, &wanted, MW_TEST_PATIENCE_MS, what);
  return wanted.row;
}

static gboolean
row_shows_feed (GtkWidget     *widget,
                gconstpointer  feed)
{
  return mw_feed_row_get_feed (MW_FEED_ROW (widget)) == feed && on_screen (widget);
}

/* Returns: (transfer none): the row of @feed, once on screen */
static GtkWidget *
feed_row (Fixture *fixture,
          MwFeed  *feed)
{
  RowWanted wanted = { feed_list (fixture), MW_TYPE_FEED_ROW, row_shows_feed, feed, NULL };

  mw_test_wait_until (row_on_screen, &wanted, MW_TEST_PATIENCE_MS, "the feed's row to show");
  return wanted.row;
}

/* The article row that has the keyboard focus: the list's row holds it, and the row
 * the factory made is its child. */
static const char *
focused_article (Fixture *fixture)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (fixture->window));
  GtkWidget *row = focus != NULL ? gtk_widget_get_first_child (focus) : NULL;

  if (row == NULL || !MW_IS_ARTICLE_ROW (row))
    return NULL;
  return title_of (mw_article_row_get_item (MW_ARTICLE_ROW (row)));
}

/* Returns: (transfer none): the article of @feed called @title; the feed holds it */
static MwFeedItem *
article_titled (MwFeed     *feed,
                const char *title)
{
  GListModel *items = mw_feed_get_items (feed);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(MwFeedItem) item = g_list_model_get_item (items, i);

      if (g_strcmp0 (title_of (item), title) == 0)
        return item;
    }
  g_error ("The feed has no article “%s”", title);
}

static MwPanes *
panes_below (GtkWidget *widget)
{
  return MW_PANES (mw_test_find_widget (widget, MW_TYPE_PANES, NULL, NULL));
}

/* The pane that holds @widget. */
static GtkWidget *
pane_of (GtkWidget *widget)
{
  GtkWidget *pane = mw_panes_pane_of (panes_below (gtk_widget_get_ancestor (widget, MW_TYPE_FEEDS_PAGE)), widget);

  g_assert_nonnull (pane);
  return pane;
}

typedef enum
{
  SIDEBAR,
  ARTICLE_LIST,
  ARTICLE,
} Pane;

typedef struct
{
  Fixture *fixture;
  Pane     pane;
} PaneWanted;

/* Folded, only @pane is on screen (no other one is sliding in or out), and the focus is
 * in it. */
static gboolean
only_pane_shown (gpointer data)
{
  PaneWanted *wanted = data;
  GtkWidget *panes[] = { pane_of (feed_list (wanted->fixture)), pane_of (article_list (wanted->fixture)),
                         pane_of (article_text (wanted->fixture)) };

  for (guint i = 0; i < G_N_ELEMENTS (panes); i++)
    if (on_screen (panes[i]) != (i == wanted->pane))
      return FALSE;
  return focus_within (panes[wanted->pane]);
}

static void
wait_for_pane (Fixture    *fixture,
               Pane        pane,
               const char *what)
{
  PaneWanted wanted = { fixture, pane };

  mw_test_wait_until (only_pane_shown, &wanted, MW_TEST_PATIENCE_MS, what);
}

static gboolean
folded (gpointer fixture)
{
  return mw_panes_get_folded (panes_below (GTK_WIDGET (page_of (fixture))));
}

/* Side by side, with no pane sliding: the first starts where the page does, the last
 * ends where it does. */
static gboolean
side_by_side (gpointer fixture)
{
  GtkWidget *page = GTK_WIDGET (page_of (fixture));
  GtkWidget *first = pane_of (feed_list (fixture));
  GtkWidget *last = pane_of (article_text (fixture));
  graphene_rect_t first_bounds, last_bounds;

  if (folded (fixture) || !on_screen (first) || !on_screen (last) ||
      !gtk_widget_compute_bounds (first, page, &first_bounds) || !gtk_widget_compute_bounds (last, page, &last_bounds))
    return FALSE;
  return G_APPROX_VALUE (first_bounds.origin.x, 0, 1) &&
         G_APPROX_VALUE (last_bounds.origin.x + last_bounds.size.width, gtk_widget_get_width (page), 1);
}

static void
show_feeds_at (Fixture *fixture,
               int      width)
{
  mw_window_show_page (fixture->window, "feeds");
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, 600);
  mw_test_window_wait_for_width (fixture, width);
  mw_test_wait_until (width < 600 ? folded : side_by_side, fixture, MW_TEST_PATIENCE_MS,
                      width < 600 ? "the panes to fold" : "the panes to be side by side");
}

typedef struct
{
  Fixture    *fixture;
  const char *title;
} Wanted;

static gboolean
is_open (gpointer data)
{
  Wanted *wanted = data;

  return g_strcmp0 (open_title (wanted->fixture), wanted->title) == 0;
}

static void
wait_for_open (Fixture    *fixture,
               const char *title,
               const char *what)
{
  Wanted wanted = { fixture, title };

  mw_test_wait_until (is_open, &wanted, MW_TEST_PATIENCE_MS, what);
}

static gboolean
focus_on_article (gpointer data)
{
  Wanted *wanted = data;

  return g_strcmp0 (focused_article (wanted->fixture), wanted->title) == 0;
}

static gboolean
focus_on (gpointer widget)
{
  return focus_within (widget);
}

static gboolean
focus_not_on (gpointer widget)
{
  return !focus_within (widget);
}

static gboolean
starred (gpointer article)
{
  return mw_feed_item_get_starred (article);
}

static gboolean
not_starred (gpointer article)
{
  return !mw_feed_item_get_starred (article);
}

/* --- Narrow: the folded panes and their back buttons --------------------------------- */

/* At 360 pixels one pane shows at a time. A click on a feed or an article slides its
 * pane in, with the focus; back buttons (and Alt+Left) lead back, the focus on the row
 * that was left. The arrow keys go through a folded list without opening anything;
 * Return or Space opens. */
static void
test_narrow_back_buttons (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(MwFeed) letters = mw_test_window_subscribe (fixture, "/letters.xml", letters_rss);
  GtkWidget *to_subscriptions = find_labelled (fixture, GTK_TYPE_BUTTON, "Back to Subscriptions");
  GtkWidget *to_articles = find_labelled (fixture, GTK_TYPE_BUTTON, "Back to Articles");

  show_feeds_at (fixture, 360);
  gtk_widget_grab_focus (feed_list (fixture));
  wait_for_pane (fixture, SIDEBAR, "the subscriptions alone on screen");
  g_assert_false (on_screen (to_subscriptions));
  g_assert_false (on_screen (to_articles));

  mw_test_click_widget (feed_row (fixture, letters));
  wait_for_pane (fixture, ARTICLE_LIST, "a click on the feed to show its articles, with the focus");
  g_assert_true (on_screen (to_subscriptions));
  g_assert_null (open_title (fixture));

  mw_test_click_widget (article_row (fixture, "Bravo"));
  wait_for_pane (fixture, ARTICLE, "a click on an article to show it, with the focus on its text");
  g_assert_cmpstr (open_title (fixture), ==, "Bravo");
  g_assert_true (on_screen (to_articles));

  mw_test_click_widget (to_articles);
  wait_for_pane (fixture, ARTICLE_LIST, "Back to Articles to show the list again");
  g_assert_cmpstr (focused_article (fixture), ==, "Bravo");

  mw_test_press_keys (GTK_WIDGET (fixture->window), "alt+Left");
  wait_for_pane (fixture, SIDEBAR, "Alt+Left to show the subscriptions again");

  /* The keyboard alone. */
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Return");
  wait_for_pane (fixture, ARTICLE_LIST, "Return on the feed to show its articles");
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Down");
  {
    Wanted charlie = { fixture, "Charlie" };

    mw_test_wait_until (focus_on_article, &charlie, MW_TEST_PATIENCE_MS, "Down to move to the next article");
  }
  g_assert_true (on_screen (article_list (fixture)));
  g_assert_cmpstr (open_title (fixture), ==, "Bravo");
  g_assert_false (mw_feed_item_get_read (article_titled (letters, "Charlie")));

  mw_test_press_keys (GTK_WIDGET (fixture->window), "Return");
  wait_for_pane (fixture, ARTICLE, "Return on an article to show it");
  g_assert_cmpstr (open_title (fixture), ==, "Charlie");
  g_assert_true (mw_feed_item_get_read (article_titled (letters, "Charlie")));

  mw_test_press_keys (GTK_WIDGET (fixture->window), "alt+Left Up space");
  wait_for_pane (fixture, ARTICLE, "Space on an article to show it");
  g_assert_cmpstr (open_title (fixture), ==, "Bravo");

  mw_test_unsubscribe_all (mw_application_get_feeds (fixture->app));
}

typedef struct
{
  GtkWidget *pane;
  gboolean   visited;
} FocusWatch;

static void
focus_moved_cb (GtkWindow  *window,
                GParamSpec *pspec,
                FocusWatch *watch)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));

  if (focus != NULL && gtk_widget_is_ancestor (focus, watch->pane))
    watch->visited = TRUE;
}

/* --- Wide: the focus stays where the person works ------------------------------------ */

/* Side by side, choosing an article shows it and leaves the focus in the list, so that
 * the arrow keys go on; each list is one stop of the Tab chain, its rows (and their
 * stars) none. */
static void
test_wide_focus_stays (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(MwFeed) letters = mw_test_window_subscribe (fixture, "/letters.xml", letters_rss);
  g_autoptr(MwFeed) numbers = mw_test_window_subscribe (fixture, "/numbers.xml", numbers_rss);
  Wanted bravo = { fixture, "Bravo" };

  show_feeds_at (fixture, 1200);
  feed_row (fixture, numbers);
  mw_test_click_widget (feed_row (fixture, letters));
  mw_test_wait_until (focus_on, feed_list (fixture), MW_TEST_PATIENCE_MS, "the click to focus the feed");
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Tab");
  mw_test_wait_until (focus_not_on, feed_list (fixture), MW_TEST_PATIENCE_MS,
                      "one press of Tab to leave the list of feeds");

  /* The focus never goes to the article pane on the way, not even for a moment: that
   * would select the article's title (and the primary selection with it). */
  {
    FocusWatch watch = { pane_of (article_text (fixture)), FALSE };
    gulong handler = g_signal_connect (fixture->window, "notify::focus-widget", G_CALLBACK (focus_moved_cb),
                                       &watch);

    mw_test_click_widget (article_row (fixture, "Alpha"));
    wait_for_open (fixture, "Alpha", "a click on the first article to open it");
    g_signal_handler_disconnect (fixture->window, handler);
    g_assert_false (watch.visited);
    g_assert_false (gtk_label_get_selection_bounds (GTK_LABEL (article_title (fixture)), NULL, NULL));
  }
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Down");
  wait_for_open (fixture, "Bravo", "Down to open the next article");
  mw_test_wait_until (focus_on_article, &bravo, MW_TEST_PATIENCE_MS, "the focus to be on the article opened");
  g_assert_true (on_screen (feed_list (fixture)));
  g_assert_true (on_screen (article_list (fixture)));
  g_assert_true (on_screen (article_text (fixture)));
  g_assert_false (on_screen (find_labelled (fixture, GTK_TYPE_BUTTON, "Back to Subscriptions")));
  g_assert_false (on_screen (find_labelled (fixture, GTK_TYPE_BUTTON, "Back to Articles")));

  mw_test_press_keys (GTK_WIDGET (fixture->window), "Tab");
  mw_test_wait_until (focus_not_on, article_list (fixture), MW_TEST_PATIENCE_MS,
                      "one press of Tab to leave the list of articles");
  mw_test_press_keys (GTK_WIDGET (fixture->window), "shift+Tab");
  mw_test_wait_until (focus_on_article, &bravo, MW_TEST_PATIENCE_MS, "Shift+Tab to come back to the article");

  /* Return, like a click, opens the article with the focus; the page stays as it is. */
  mw_test_press_keys (GTK_WIDGET (fixture->window), "Down Return");
  wait_for_open (fixture, "Charlie", "Down and Return to open the next article");
  g_assert_true (focus_within (article_list (fixture)));

  /* No star in the list takes the focus: Ctrl+D does their work. */
  for (GtkWidget *row = gtk_widget_get_first_child (article_list (fixture)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *star = mw_test_find_widget (row, GTK_TYPE_TOGGLE_BUTTON, NULL, NULL);

      if (star != NULL)
        g_assert_false (gtk_widget_get_focusable (star));
    }
  mw_test_unsubscribe_all (mw_application_get_feeds (fixture->app));
}

/* --- The page's keys, wherever the focus is -------------------------------------------- */

static gboolean
log_visible (gpointer window)
{
  gboolean visible = FALSE;

  g_object_get (window, "log-visible", &visible, NULL);
  return visible;
}

/* Ctrl+F, Ctrl+N and Ctrl+D work with the focus in the header bar while the Feeds page
 * shows, and do nothing while the Downloads page does. */
static void
test_shortcuts_anywhere (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(MwFeed) letters = mw_test_window_subscribe (fixture, "/letters.xml", letters_rss);
  GtkWidget *header = mw_test_find_widget (GTK_WIDGET (fixture->window), ADW_TYPE_HEADER_BAR, NULL, NULL);
  GtkWidget *header_button = mw_test_find_widget (header, GTK_TYPE_MENU_BUTTON, NULL, NULL);
  GtkWidget *entry = find_labelled (fixture, GTK_TYPE_SEARCH_ENTRY, "Search Articles");

  show_feeds_at (fixture, 900);
  article_row (fixture, "Alpha");
  g_assert_nonnull (header_button);
  g_assert_false (gtk_widget_is_ancestor (header_button, GTK_WIDGET (page_of (fixture))));

  g_assert_true (gtk_widget_grab_focus (header_button));
  mw_test_press_keys (GTK_WIDGET (fixture->window), "ctrl+f");
  mw_test_wait_until (focus_on, entry, MW_TEST_PATIENCE_MS, "Ctrl+F to give the focus to the search");
  mw_test_wait_until (shown, entry, MW_TEST_PATIENCE_MS, "the search to open");

  g_assert_true (gtk_widget_grab_focus (header_button));
  mw_test_press_keys (GTK_WIDGET (fixture->window), "ctrl+n");
  wait_for_open (fixture, "Alpha", "Ctrl+N to open the first unread article");
  mw_test_press_keys (GTK_WIDGET (fixture->window), "ctrl+n ctrl+d");
  wait_for_open (fixture, "Bravo", "Ctrl+N to open the next unread article");
  mw_test_wait_until (starred, article_titled (letters, "Bravo"),
                      MW_TEST_PATIENCE_MS, "Ctrl+D to star the article");

  /* On the Downloads page the same keys are not the Feeds page's: F9, sent after them,
   * says when they have been seen. */
  mw_window_show_page (fixture->window, "downloads");
  mw_test_press_keys (GTK_WIDGET (fixture->window), "ctrl+f ctrl+n ctrl+d F9");
  mw_test_wait_until (log_visible, fixture->window, MW_TEST_PATIENCE_MS, "F9 to open the event log");
  g_assert_cmpstr (open_title (fixture), ==, "Bravo");
  g_assert_true (mw_feed_item_get_starred (article_titled (letters, "Bravo")));
  g_assert_false (mw_feed_item_get_read (article_titled (letters, "Charlie")));
  mw_window_show_page (fixture->window, "feeds");
  g_assert_false (focus_within (entry));

  mw_test_unsubscribe_all (mw_application_get_feeds (fixture->app));
}

/* --- The star ------------------------------------------------------------------------------ */

static void
assert_pressed (GtkWidget *toggle,
                gboolean   pressed)
{
  gtk_test_accessible_assert_state (toggle, GTK_ACCESSIBLE_STATE_PRESSED,
                                    pressed ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE);
}

/* An article's star is a toggle named after it, pressed while the article is starred. A
 * click on it stars the article without opening it; the open article's star in its pane
 * says the same, and Ctrl+D takes it away. */
static void
test_star_toggle (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(MwFeed) letters = mw_test_window_subscribe (fixture, "/letters.xml", letters_rss);
  MwFeedItem *alpha = article_titled (letters, "Alpha");
  GtkWidget *row_star;
  GtkWidget *pane_star;

  show_feeds_at (fixture, 900);
  row_star = mw_test_find_widget (article_row (fixture, "Alpha"), GTK_TYPE_TOGGLE_BUTTON, NULL, NULL);
  g_assert_nonnull (row_star);
  gtk_test_accessible_assert_property (row_star, GTK_ACCESSIBLE_PROPERTY_LABEL, "Star Alpha");
  assert_pressed (row_star, FALSE);

  mw_test_click_widget (row_star);
  mw_test_wait_until (starred, alpha, MW_TEST_PATIENCE_MS,
                      "a click on the star to star the article");
  assert_pressed (row_star, TRUE);
  g_assert_cmpstr (gtk_button_get_icon_name (GTK_BUTTON (row_star)), ==, "starred-symbolic");
  mw_test_iterate_for (100);
  g_assert_null (open_title (fixture));
  g_assert_false (mw_feed_item_get_read (alpha));

  mw_test_click_widget (article_row (fixture, "Alpha"));
  wait_for_open (fixture, "Alpha", "a click on the article to open it");
  pane_star = find_labelled (fixture, GTK_TYPE_TOGGLE_BUTTON, "Star");
  g_assert_true (on_screen (pane_star));
  assert_pressed (pane_star, TRUE);

  mw_test_press_keys (GTK_WIDGET (fixture->window), "ctrl+d");
  mw_test_wait_until (not_starred, alpha, MW_TEST_PATIENCE_MS, "Ctrl+D to take the star away");
  assert_pressed (pane_star, FALSE);
  assert_pressed (row_star, FALSE);

  mw_test_unsubscribe_all (mw_application_get_feeds (fixture->app));
}

/* --- Names --------------------------------------------------------------------------------- */

/* Every button of @widget with a mnemonic is named as its label shows it, without the
 * underscore. */
static guint
check_mnemonic_names (GtkWidget *widget)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_button_get_use_underline (GTK_BUTTON (child)))
        {
          const char *shown = gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (child))));

          g_assert_null (strchr (shown, '_'));
          gtk_test_accessible_assert_property (child, GTK_ACCESSIBLE_PROPERTY_LABEL, shown);
          n++;
        }
      n += check_mnemonic_names (child);
    }
  return n;
}

static gboolean
label_says (GtkWidget     *widget,
            gconstpointer  text)
{
  return g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* What a screen reader says: the search entry has a name, buttons with a mnemonic are
 * named without its underscore, an empty article pane says so and has no empty title to
 * focus, and an article without a title is “Untitled”. */
static void
test_names (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(MwFeed) letters = mw_test_window_subscribe (fixture, "/letters.xml", letters_rss);
  GtkWidget *page = GTK_WIDGET (page_of (fixture));
  GtkWidget *title = article_title (fixture);
  GtkWidget *none = mw_test_find_widget (page, GTK_TYPE_LABEL, label_says, "No Article Selected");

  show_feeds_at (fixture, 900);
  find_labelled (fixture, GTK_TYPE_SEARCH_ENTRY, "Search Articles");
  find_labelled (fixture, GTK_TYPE_BUTTON, "All Articles");
  find_labelled (fixture, GTK_TYPE_BUTTON, "Open in Browser");
  g_assert_cmpuint (check_mnemonic_names (page), >=, 4);

  /* Nothing chosen: the pane says so, and its empty title is not there to be focused. */
  g_assert_nonnull (title);
  g_assert_nonnull (none);
  g_assert_true (on_screen (none));
  g_assert_false (on_screen (title));

  mw_test_click_widget (article_row (fixture, "Untitled"));
  mw_test_wait_until (shown, title, MW_TEST_PATIENCE_MS, "the untitled article to open");
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==, "Untitled");
  g_assert_false (on_screen (none));

  mw_test_unsubscribe_all (mw_application_get_feeds (fixture->app));
}

/* --- Many articles while the page is hidden ------------------------------------------- */

/* RSS with N articles titled “Item 0” (the newest) to “Item N-1”, an hour apart, all
 * newer than the letters. */
static char *
many_items_rss (guint n)
{
  GString *rss = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\">"
                               "<channel><title>Many</title>");
  g_autoptr(GDateTime) newest = g_date_time_new_utc (2026, 11, 30, 12, 0, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) when = g_date_time_add_hours (newest, -(int) i);
      g_autofree char *date = g_date_time_format (when, "%a, %d %b %Y %H:%M:%S GMT");

      g_string_append_printf (rss, "<item><title>Item %u</title><guid>item-%u</guid>"
                              "<pubDate>%s</pubDate></item>", i, i, date);
    }
  g_string_append (rss, "</channel></rss>");
  return g_string_free (rss, FALSE);
}

/* Hundreds of articles arriving while the Downloads page is shown (a refresh in the
 * background) leave the article list right when the page comes back: every article
 * there, newest first, and the open one still open and chosen. */
static void
test_many_while_hidden (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(MwFeed) letters = mw_test_window_subscribe (fixture, "/letters.xml", letters_rss);
  g_autofree char *many_rss = many_items_rss (MW_FEED_MAX_ITEMS);
  g_autoptr(MwFeed) many = NULL;
  g_autoptr(MwFeed) more = NULL;
  GtkSingleSelection *selection;
  GListModel *articles;

  show_feeds_at (fixture, 900);
  mw_test_click_widget (article_row (fixture, "Bravo"));
  mw_test_wait_until (shown, article_title (fixture), MW_TEST_PATIENCE_MS, "Bravo to open");

  mw_window_show_page (fixture->window, "downloads");
  mw_test_iterate_for (50);
  g_assert_false (gtk_widget_get_mapped (article_list (fixture)));
  many = mw_test_window_subscribe (fixture, "/many.xml", many_rss);
  {
    /* The same articles again under another address: a second large change. */
    more = mw_test_window_subscribe (fixture, "/more.xml", many_rss);
  }
  mw_test_iterate_for (200);

  mw_window_show_page (fixture->window, "feeds");
  article_row (fixture, "Item 0");
  g_assert_cmpstr (open_title (fixture), ==, "Bravo");
  selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (article_list (fixture))));
  g_assert_nonnull (selection);
  articles = G_LIST_MODEL (selection);
  g_assert_cmpuint (g_list_model_get_n_items (articles), ==, 4 + 2 * MW_FEED_MAX_ITEMS);
  {
    g_autoptr(MwFeedItem) first = g_list_model_get_item (articles, 0);
    g_autoptr(MwFeedItem) chosen = gtk_single_selection_get_selected_item (selection)
                                     ? g_object_ref (gtk_single_selection_get_selected_item (selection)) : NULL;

    g_assert_cmpstr (title_of (first), ==, "Item 0");
    g_assert_nonnull (chosen);
    g_assert_cmpstr (title_of (chosen), ==, "Bravo");
  }

  mw_test_unsubscribe_all (mw_application_get_feeds (fixture->app));
}

int
main (int   argc,
      char *argv[])
{
  static const MwTestWindowCase cases[] = {
    { "/feeds-page/narrow/back-buttons", test_narrow_back_buttons },
    { "/feeds-page/wide/focus-stays-in-the-list", test_wide_focus_stays },
    { "/feeds-page/shortcuts-anywhere", test_shortcuts_anywhere },
    { "/feeds-page/star-toggle", test_star_toggle },
    { "/feeds-page/names", test_names },
    { "/feeds-page/many-while-hidden", test_many_while_hidden },
  };

  return mw_test_window_main (argc, argv, cases, G_N_ELEMENTS (cases));
}
