/* mw-adaptive.c: the containers that fold in a narrow window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.4 replaced its adaptive widgets: the leaflet by navigation split views,
 * the flap by an overlay split view, the squeezer and the view switcher title by
 * breakpoints, and added the toolbar view, which holds a window's bars. Built against
 * 1.4 or newer, the containers here use the new widgets; against an older one (Debian 12
 * has 1.2), the widgets it has. The templates name only these containers, so both builds
 * show the same panes, panel and bars, and the code around them asks the same questions:
 * folded or not, which pane shows, go back.
 *
 * The new widgets fold at a width given in advance rather than when their children stop
 * fitting: the panes below 760 px of their own width, the event log's panel below
 * 700 px, the page switcher (a breakpoint of the toolbar's) below 550 px of the window.
 * The panes and the panel fold by themselves at the start of the next frame rather than
 * through breakpoint bins, which hide what they hold for a frame when they change: nested
 * and changing at once (a window maximized, or made narrow in one step), they were seen
 * to leave it hidden.
 */
#define G_LOG_DOMAIN "mw-adaptive"

#include "config.h"

#include "mw-adaptive.h"
#include "mw-compat.h"

/* Every container here starts with these fields, in this order (its instance struct
 * opens with ADAPTIVE_FIELDS), so that the code below serves all three:
 * - child: the one child, which fills it; inner: what the child holds when it is a
 *   breakpoint bin, otherwise the child itself;
 * - fold_below: the width in pixels below which fold() folds it (0: never, or by
 *   breakpoints); folded: -1 until the first allocation; want_folded and fold_tick: a
 *   change of fold waiting for the next frame;
 * - add_widget: takes a widget child of the template, of the <child> element's type. */
#define ADAPTIVE_FIELDS \
  GtkWidget  parent_instance; \
  GtkWidget *child; \
  GtkWidget *inner; \
  int        fold_below; \
  int        folded; \
  void     (*fold) (GtkWidget *widget, gboolean folded); \
  gboolean   want_folded; \
  guint      fold_tick; \
  void     (*add_widget) (GtkWidget *widget, GtkWidget *child, const char *type);

typedef struct
{
  ADAPTIVE_FIELDS
} Adaptive;

/* The narrowest a folding container asks to be, whatever it holds. */
#define ADAPTIVE_MIN_WIDTH 300

/* A breakpoint bin has no minimum size but the one it is given, which must be small
 * enough for every width it folds at. Its height is another matter: the window may not
 * be made shorter than what the bin holds needs, as it may not without a bin. */
static void
adaptive_measure (GtkWidget      *widget,
                  GtkOrientation  orientation,
                  int             for_size,
                  int            *minimum,
                  int            *natural,
                  int            *minimum_baseline,
                  int            *natural_baseline)
{
  Adaptive *self = (Adaptive *) widget;

  gtk_widget_measure (self->child, orientation, for_size, minimum, natural, NULL, NULL);
  /* Folding makes it narrower: it can be given less than it needs side by side. */
  if (orientation == GTK_ORIENTATION_HORIZONTAL && self->fold_below > 0)
    *minimum = MIN (*minimum, ADAPTIVE_MIN_WIDTH);
  if (orientation == GTK_ORIENTATION_VERTICAL && self->inner != self->child)
    {
      int inner_width = 0, inner_minimum = 0;

      /* Measured for a width it can take, as the bin will give it at least that. */
      gtk_widget_measure (self->inner, GTK_ORIENTATION_HORIZONTAL, -1, &inner_width, NULL, NULL, NULL);
      gtk_widget_measure (self->inner, orientation, for_size < 0 ? -1 : MAX (for_size, inner_width), &inner_minimum,
                          NULL, NULL, NULL);
      *minimum = MAX (*minimum, inner_minimum);
      *natural = MAX (*natural, *minimum);
    }
  *minimum_baseline = -1;
  *natural_baseline = -1;
}

static gboolean
adaptive_fold_tick_cb (GtkWidget     *widget,
                       GdkFrameClock *frame_clock,
                       gpointer       user_data)
{
  Adaptive *self = (Adaptive *) widget;

  self->fold_tick = 0;
  if (self->folded != self->want_folded)
    {
      self->folded = self->want_folded;
      self->fold (widget, self->folded);
    }
  return G_SOURCE_REMOVE;
}

/* Folds or unfolds at the width set. The layout changes at the start of the next frame,
 * not while this one is laid out; meanwhile the child is never given less than its
 * minimum size (what does not fit is cut off for that frame). Unlike a breakpoint bin,
 * it never hides its child, so containers of this kind can be nested and fold at the
 * same time. */
static void
adaptive_size_allocate (GtkWidget *widget,
                        int        width,
                        int        height,
                        int        baseline)
{
  Adaptive *self = (Adaptive *) widget;
  int min_width = 0, min_height = 0;

  if (self->fold_below > 0)
    {
      self->want_folded = width < self->fold_below;
      if (self->folded != self->want_folded && self->fold_tick == 0)
        self->fold_tick = gtk_widget_add_tick_callback (widget, adaptive_fold_tick_cb, NULL, NULL);
    }
  if (self->fold_below > 0)
    {
      gtk_widget_measure (self->child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      gtk_widget_measure (self->child, GTK_ORIENTATION_VERTICAL, MAX (width, min_width), &min_height, NULL, NULL,
                          NULL);
    }
  gtk_widget_allocate (self->child, MAX (width, min_width), MAX (height, min_height), baseline, NULL);
}

static GtkBuildableIface *adaptive_parent_buildable;

static void
adaptive_add_child (GtkBuildable *buildable,
                    GtkBuilder   *builder,
                    GObject      *child,
                    const char   *type)
{
  if (GTK_IS_WIDGET (child))
    ((Adaptive *) buildable)->add_widget (GTK_WIDGET (buildable), GTK_WIDGET (child), type);
  else
    adaptive_parent_buildable->add_child (buildable, builder, child, type);
}

static void
adaptive_buildable_init (GtkBuildableIface *iface)
{
  adaptive_parent_buildable = g_type_interface_peek_parent (iface);
  iface->add_child = adaptive_add_child;
}

static void
adaptive_init (gpointer  instance,
               void    (*add_widget) (GtkWidget  *widget,
                                      GtkWidget  *child,
                                      const char *type),
               int       fold_below,
               void    (*fold) (GtkWidget *widget,
                                gboolean   folded))
{
  Adaptive *self = instance;

  self->add_widget = add_widget;
  self->fold_below = fold_below;
  self->folded = -1;
  self->fold = fold;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
}

/* From each container's dispose: no fold left to come, and the child gone. */
static void
adaptive_clear (gpointer instance)
{
  Adaptive *self = instance;

  if (self->fold_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fold_tick);
  self->fold_tick = 0;
  g_clear_pointer (&self->child, gtk_widget_unparent);
}

static void
single_child_class_init (GtkWidgetClass *widget_class)
{
  widget_class->measure = adaptive_measure;
  widget_class->size_allocate = adaptive_size_allocate;
}


/* --- MwToolbar ------------------------------------------------------------------------ */

struct _MwToolbar
{
  ADAPTIVE_FIELDS       /* inner: the toolbar view, or the box */
  GtkWidget *content;
#if MW_COMPAT_ADW_1_4
  AdwBreakpointBin *bin;
#endif
};

G_DEFINE_FINAL_TYPE_WITH_CODE (MwToolbar, mw_toolbar, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, adaptive_buildable_init))

static void
mw_toolbar_add_widget (GtkWidget  *widget,
                       GtkWidget  *child,
                       const char *type)
{
  MwToolbar *self = MW_TOOLBAR (widget);

#if MW_COMPAT_ADW_1_4
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (g_strcmp0 (type, "top") == 0)
    adw_toolbar_view_add_top_bar (ADW_TOOLBAR_VIEW (self->inner), child);
  else if (g_strcmp0 (type, "bottom") == 0)
    adw_toolbar_view_add_bottom_bar (ADW_TOOLBAR_VIEW (self->inner), child);
  else
    gtk_box_append (GTK_BOX (self->content), child);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  gtk_box_append (GTK_BOX (self->inner), child);
#endif
}

static void
mw_toolbar_dispose (GObject *object)
{
  MwToolbar *self = MW_TOOLBAR (object);

  adaptive_clear (self);
  G_OBJECT_CLASS (mw_toolbar_parent_class)->dispose (object);
}

static void
mw_toolbar_class_init (MwToolbarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mw_toolbar_dispose;
  single_child_class_init (GTK_WIDGET_CLASS (klass));
}

static void
mw_toolbar_init (MwToolbar *self)
{
#if MW_COMPAT_ADW_1_4
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adaptive_init (self, mw_toolbar_add_widget, 0, NULL);
  self->inner = adw_toolbar_view_new ();
  self->content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  adw_toolbar_view_set_content (ADW_TOOLBAR_VIEW (self->inner), self->content);
  self->child = adw_breakpoint_bin_new ();
  self->bin = ADW_BREAKPOINT_BIN (self->child);
  gtk_widget_set_size_request (self->child, 300, 120);
  adw_breakpoint_bin_set_child (self->bin, self->inner);
  G_GNUC_END_IGNORE_DEPRECATIONS
#else
  adaptive_init (self, mw_toolbar_add_widget, 0, NULL);
  self->child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  self->inner = self->child;
  self->content = self->child;
#endif
  gtk_widget_set_parent (self->child, GTK_WIDGET (self));
}

/* --- MwSidePanel ---------------------------------------------------------------------- */

struct _MwSidePanel
{
  ADAPTIVE_FIELDS       /* child and inner: the overlay split view, or the flap */
  GtkWidget *split;
  GtkWidget *content;
  GtkWidget *panel;
  gboolean   reveal;
};

enum
{
  PANEL_PROP_0,
  PANEL_PROP_REVEAL,
  PANEL_PROP_FOLDED,
  N_PANEL_PROPS
};

static GParamSpec *panel_props[N_PANEL_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (MwSidePanel, mw_side_panel, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, adaptive_buildable_init))

/* The name of the split's property that shows the panel, and of the one that says it
 * is folded. */
#if MW_COMPAT_ADW_1_4
# define PANEL_SPLIT_REVEAL "show-sidebar"
# define PANEL_SPLIT_FOLDED "collapsed"
#else
# define PANEL_SPLIT_REVEAL "reveal-flap"
# define PANEL_SPLIT_FOLDED "folded"
#endif

static void
mw_side_panel_add_widget (GtkWidget  *widget,
                          GtkWidget  *child,
                          const char *type)
{
  MwSidePanel *self = MW_SIDE_PANEL (widget);
  gboolean panel = g_strcmp0 (type, "panel") == 0;

  if (panel)
    {
      self->panel = child;
      gtk_widget_set_can_focus (self->panel, self->reveal);
    }
  else
    self->content = child;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  if (panel)
    adw_overlay_split_view_set_sidebar (ADW_OVERLAY_SPLIT_VIEW (self->split), child);
  else
    adw_overlay_split_view_set_content (ADW_OVERLAY_SPLIT_VIEW (self->split), child);
#else
  if (panel)
    adw_flap_set_flap (ADW_FLAP (self->split), child);
  else
    adw_flap_set_content (ADW_FLAP (self->split), child);
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
}

gboolean
mw_side_panel_get_reveal (MwSidePanel *self)
{
  g_return_val_if_fail (MW_IS_SIDE_PANEL (self), FALSE);
  return self->reveal;
}

void
mw_side_panel_set_reveal (MwSidePanel *self,
                          gboolean     reveal)
{
  g_return_if_fail (MW_IS_SIDE_PANEL (self));
  reveal = !!reveal;
  if (self->reveal == reveal)
    return;
  self->reveal = reveal;
  if (self->panel != NULL)
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      /* A hidden panel holds no focus, and Tab does not go into it: keys sent to a
       * widget nobody sees reach nothing, not even the window's shortcuts. */
      gtk_widget_set_can_focus (self->panel, reveal);
      if (!reveal && focus != NULL && gtk_widget_is_ancestor (focus, self->panel) &&
          (self->content == NULL || !gtk_widget_child_focus (self->content, GTK_DIR_TAB_FORWARD)))
        gtk_root_set_focus (root, NULL);
    }
  g_object_set (self->split, PANEL_SPLIT_REVEAL, reveal, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), panel_props[PANEL_PROP_REVEAL]);
}

gboolean
mw_side_panel_get_folded (MwSidePanel *self)
{
  gboolean folded = FALSE;

  g_return_val_if_fail (MW_IS_SIDE_PANEL (self), FALSE);
  g_object_get (self->split, PANEL_SPLIT_FOLDED, &folded, NULL);
  return folded;
}

/* The split hides the panel itself too (Escape, or a click beside it, when it covers
 * the content). */
static void
split_reveal_cb (MwSidePanel *self)
{
  gboolean reveal = FALSE;

  g_object_get (self->split, PANEL_SPLIT_REVEAL, &reveal, NULL);
  mw_side_panel_set_reveal (self, reveal);
}

static void
split_folded_cb (MwSidePanel *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), panel_props[PANEL_PROP_FOLDED]);
}

static void
mw_side_panel_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MwSidePanel *self = MW_SIDE_PANEL (object);

  switch (prop_id)
    {
    case PANEL_PROP_REVEAL:
      g_value_set_boolean (value, self->reveal);
      break;
    case PANEL_PROP_FOLDED:
      g_value_set_boolean (value, mw_side_panel_get_folded (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_side_panel_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PANEL_PROP_REVEAL:
      mw_side_panel_set_reveal (MW_SIDE_PANEL (object), g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_side_panel_dispose (GObject *object)
{
  MwSidePanel *self = MW_SIDE_PANEL (object);

  adaptive_clear (self);
  self->split = NULL;
  G_OBJECT_CLASS (mw_side_panel_parent_class)->dispose (object);
}

static void
mw_side_panel_class_init (MwSidePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mw_side_panel_dispose;
  object_class->get_property = mw_side_panel_get_property;
  object_class->set_property = mw_side_panel_set_property;

  panel_props[PANEL_PROP_REVEAL] =
    g_param_spec_boolean ("reveal", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  panel_props[PANEL_PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PANEL_PROPS, panel_props);

  single_child_class_init (GTK_WIDGET_CLASS (klass));
}

#if MW_COMPAT_ADW_1_4
static void
side_panel_fold (GtkWidget *widget,
                 gboolean   folded)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_overlay_split_view_set_collapsed (ADW_OVERLAY_SPLIT_VIEW (MW_SIDE_PANEL (widget)->split), folded);
  G_GNUC_END_IGNORE_DEPRECATIONS
}
#endif

static void
mw_side_panel_init (MwSidePanel *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  self->split = adw_overlay_split_view_new ();
  adw_overlay_split_view_set_sidebar_position (ADW_OVERLAY_SPLIT_VIEW (self->split), GTK_PACK_END);
  /* The panel opens and closes only when asked, whatever the width. */
  adw_overlay_split_view_set_pin_sidebar (ADW_OVERLAY_SPLIT_VIEW (self->split), TRUE);
  adw_overlay_split_view_set_enable_show_gesture (ADW_OVERLAY_SPLIT_VIEW (self->split), FALSE);
  adw_overlay_split_view_set_min_sidebar_width (ADW_OVERLAY_SPLIT_VIEW (self->split), 340);
  adw_overlay_split_view_set_max_sidebar_width (ADW_OVERLAY_SPLIT_VIEW (self->split), 340);
  adw_overlay_split_view_set_show_sidebar (ADW_OVERLAY_SPLIT_VIEW (self->split), FALSE);
  self->child = self->split;
  adaptive_init (self, mw_side_panel_add_widget, 700, side_panel_fold);
#else
  self->split = adw_flap_new ();
  adw_flap_set_flap_position (ADW_FLAP (self->split), GTK_PACK_END);
  adw_flap_set_locked (ADW_FLAP (self->split), TRUE);
  adw_flap_set_swipe_to_open (ADW_FLAP (self->split), FALSE);
  adw_flap_set_separator (ADW_FLAP (self->split), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  adw_flap_set_reveal_flap (ADW_FLAP (self->split), FALSE);
  self->child = self->split;
  adaptive_init (self, mw_side_panel_add_widget, 0, NULL);
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
  self->inner = self->child;
  gtk_widget_set_parent (self->child, GTK_WIDGET (self));
  g_signal_connect_object (self->split, "notify::" PANEL_SPLIT_REVEAL, G_CALLBACK (split_reveal_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->split, "notify::" PANEL_SPLIT_FOLDED, G_CALLBACK (split_folded_cb), self,
                           G_CONNECT_SWAPPED);
}

/* --- MwPanes -------------------------------------------------------------------------- */

#define N_PANES 3

struct _MwPanes
{
  ADAPTIVE_FIELDS       /* child and inner: the outer split view, or the leaflet */
  GtkWidget *panes[N_PANES];
  guint      n_panes;
#if MW_COMPAT_ADW_1_4
  /* The first pane beside the other two, which are beside each other. */
  GtkWidget *outer;
  GtkWidget *nested;
  GtkWidget *pages[N_PANES];
#endif
};

enum
{
  PANES_PROP_0,
  PANES_PROP_FOLDED,
  PANES_PROP_VISIBLE_PANE,
  N_PANES_PROPS
};

static GParamSpec *panes_props[N_PANES_PROPS];

G_DEFINE_FINAL_TYPE_WITH_CODE (MwPanes, mw_panes, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, adaptive_buildable_init))

static void
mw_panes_add_widget (GtkWidget  *widget,
                     GtkWidget  *child,
                     const char *type)
{
  MwPanes *self = MW_PANES (widget);

  if (self->n_panes == N_PANES)
    {
      g_warning ("MwPanes holds %d panes, not more", N_PANES);
      return;
    }
  self->panes[self->n_panes] = child;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  adw_navigation_page_set_child (ADW_NAVIGATION_PAGE (self->pages[self->n_panes]), child);
#else
  if (self->n_panes > 0)
    {
      AdwLeafletPage *page = adw_leaflet_append (ADW_LEAFLET (self->child),
                                                 gtk_separator_new (GTK_ORIENTATION_VERTICAL));

      adw_leaflet_page_set_navigatable (page, FALSE);
    }
  adw_leaflet_append (ADW_LEAFLET (self->child), child);
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
  self->n_panes++;
}

gboolean
mw_panes_get_folded (MwPanes *self)
{
  g_return_val_if_fail (MW_IS_PANES (self), FALSE);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  return adw_navigation_split_view_get_collapsed (ADW_NAVIGATION_SPLIT_VIEW (self->outer));
#else
  return adw_leaflet_get_folded (ADW_LEAFLET (self->child));
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
}

/* Folded, the pane on screen; side by side, the one that will be when they fold. */
GtkWidget *
mw_panes_get_visible_pane (MwPanes *self)
{
  g_return_val_if_fail (MW_IS_PANES (self), NULL);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  if (!adw_navigation_split_view_get_show_content (ADW_NAVIGATION_SPLIT_VIEW (self->outer)))
    return self->panes[0];
  if (!adw_navigation_split_view_get_show_content (ADW_NAVIGATION_SPLIT_VIEW (self->nested)))
    return self->panes[1];
  return self->panes[2];
#else
  return adw_leaflet_get_visible_child (ADW_LEAFLET (self->child));
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void
mw_panes_set_visible_pane (MwPanes   *self,
                           GtkWidget *pane)
{
  g_return_if_fail (MW_IS_PANES (self));
  g_return_if_fail (pane != NULL && (pane == self->panes[0] || pane == self->panes[1] || pane == self->panes[2]));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  /* The inner split first, so that a pane sliding in from the first shows already what
   * it is to show. */
  if (pane != self->panes[0])
    adw_navigation_split_view_set_show_content (ADW_NAVIGATION_SPLIT_VIEW (self->nested), pane == self->panes[2]);
  adw_navigation_split_view_set_show_content (ADW_NAVIGATION_SPLIT_VIEW (self->outer), pane != self->panes[0]);
#else
  adw_leaflet_set_visible_child (ADW_LEAFLET (self->child), pane);
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void
mw_panes_go_back (MwPanes *self)
{
  g_return_if_fail (MW_IS_PANES (self));
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  if (mw_panes_get_visible_pane (self) == self->panes[2])
    mw_panes_set_visible_pane (self, self->panes[1]);
  else
    mw_panes_set_visible_pane (self, self->panes[0]);
#else
  adw_leaflet_navigate (ADW_LEAFLET (self->child), ADW_NAVIGATION_DIRECTION_BACK);
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
}

GtkWidget *
mw_panes_get_pane (MwPanes *self,
                   guint    index)
{
  g_return_val_if_fail (MW_IS_PANES (self), NULL);
  g_return_val_if_fail (index < N_PANES, NULL);
  return self->panes[index];
}

/* Returns: (nullable): the pane that holds @descendant */
GtkWidget *
mw_panes_pane_of (MwPanes   *self,
                  GtkWidget *descendant)
{
  g_return_val_if_fail (MW_IS_PANES (self), NULL);
  for (guint i = 0; i < self->n_panes; i++)
    if (descendant == self->panes[i] || gtk_widget_is_ancestor (descendant, self->panes[i]))
      return self->panes[i];
  return NULL;
}

/* What the panes are called where they are navigation pages, which screen readers name. */
void
mw_panes_set_titles (MwPanes    *self,
                     const char *first,
                     const char *second,
                     const char *third)
{
  g_return_if_fail (MW_IS_PANES (self));
#if MW_COMPAT_ADW_1_4
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_navigation_page_set_title (ADW_NAVIGATION_PAGE (self->pages[0]), first);
  adw_navigation_page_set_title (ADW_NAVIGATION_PAGE (self->pages[1]), second);
  adw_navigation_page_set_title (ADW_NAVIGATION_PAGE (self->pages[2]), third);
  G_GNUC_END_IGNORE_DEPRECATIONS
#endif
}

static void
folded_cb (MwPanes *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), panes_props[PANES_PROP_FOLDED]);
}

static void
visible_pane_cb (MwPanes *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), panes_props[PANES_PROP_VISIBLE_PANE]);
}

static void
mw_panes_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  MwPanes *self = MW_PANES (object);

  switch (prop_id)
    {
    case PANES_PROP_FOLDED:
      g_value_set_boolean (value, mw_panes_get_folded (self));
      break;
    case PANES_PROP_VISIBLE_PANE:
      g_value_set_object (value, mw_panes_get_visible_pane (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_panes_dispose (GObject *object)
{
  MwPanes *self = MW_PANES (object);

  adaptive_clear (self);
  memset (self->panes, 0, sizeof self->panes);
  G_OBJECT_CLASS (mw_panes_parent_class)->dispose (object);
}

static void
mw_panes_class_init (MwPanesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mw_panes_dispose;
  object_class->get_property = mw_panes_get_property;

  panes_props[PANES_PROP_FOLDED] =
    g_param_spec_boolean ("folded", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  panes_props[PANES_PROP_VISIBLE_PANE] =
    g_param_spec_object ("visible-pane", NULL, NULL, GTK_TYPE_WIDGET, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PANES_PROPS, panes_props);

  single_child_class_init (GTK_WIDGET_CLASS (klass));
}

#if MW_COMPAT_ADW_1_4
static void
panes_fold (GtkWidget *widget,
            gboolean   folded)
{
  MwPanes *self = MW_PANES (widget);

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  adw_navigation_split_view_set_collapsed (ADW_NAVIGATION_SPLIT_VIEW (self->outer), folded);
  adw_navigation_split_view_set_collapsed (ADW_NAVIGATION_SPLIT_VIEW (self->nested), folded);
  G_GNUC_END_IGNORE_DEPRECATIONS
}
#endif

static void
mw_panes_init (MwPanes *self)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  GtkWidget *inner_page;

  for (guint i = 0; i < N_PANES; i++)
    self->pages[i] = GTK_WIDGET (adw_navigation_page_new (gtk_label_new (NULL), " "));

  self->nested = adw_navigation_split_view_new ();
  adw_navigation_split_view_set_min_sidebar_width (ADW_NAVIGATION_SPLIT_VIEW (self->nested), 300);
  adw_navigation_split_view_set_max_sidebar_width (ADW_NAVIGATION_SPLIT_VIEW (self->nested), 400);
  adw_navigation_split_view_set_sidebar_width_fraction (ADW_NAVIGATION_SPLIT_VIEW (self->nested), 0.4);
  adw_navigation_split_view_set_sidebar (ADW_NAVIGATION_SPLIT_VIEW (self->nested),
                                         ADW_NAVIGATION_PAGE (self->pages[1]));
  adw_navigation_split_view_set_content (ADW_NAVIGATION_SPLIT_VIEW (self->nested),
                                         ADW_NAVIGATION_PAGE (self->pages[2]));
  inner_page = GTK_WIDGET (adw_navigation_page_new (self->nested, " "));
  g_object_bind_property (self->pages[1], "title", inner_page, "title", G_BINDING_SYNC_CREATE);

  self->outer = adw_navigation_split_view_new ();
  adw_navigation_split_view_set_min_sidebar_width (ADW_NAVIGATION_SPLIT_VIEW (self->outer), 220);
  adw_navigation_split_view_set_max_sidebar_width (ADW_NAVIGATION_SPLIT_VIEW (self->outer), 280);
  adw_navigation_split_view_set_sidebar_width_fraction (ADW_NAVIGATION_SPLIT_VIEW (self->outer), 0.22);
  adw_navigation_split_view_set_sidebar (ADW_NAVIGATION_SPLIT_VIEW (self->outer),
                                         ADW_NAVIGATION_PAGE (self->pages[0]));
  adw_navigation_split_view_set_content (ADW_NAVIGATION_SPLIT_VIEW (self->outer), ADW_NAVIGATION_PAGE (inner_page));

  self->child = self->outer;
  self->inner = self->outer;
  adaptive_init (self, mw_panes_add_widget, 760, panes_fold);
  g_signal_connect_object (self->outer, "notify::collapsed", G_CALLBACK (folded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->outer, "notify::show-content", G_CALLBACK (visible_pane_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->nested, "notify::show-content", G_CALLBACK (visible_pane_cb), self,
                           G_CONNECT_SWAPPED);
#else
  self->child = adw_leaflet_new ();
  self->inner = self->child;
  adaptive_init (self, mw_panes_add_widget, 0, NULL);
  adw_leaflet_set_can_navigate_back (ADW_LEAFLET (self->child), TRUE);
  g_signal_connect_object (self->child, "notify::folded", G_CALLBACK (folded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->child, "notify::visible-child", G_CALLBACK (visible_pane_cb), self,
                           G_CONNECT_SWAPPED);
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_widget_set_parent (self->child, GTK_WIDGET (self));
}

/* --- The page switcher ---------------------------------------------------------------- */

void
mw_adaptive_page_switcher (GtkWindow            *window,
                           MwToolbar            *toolbar,
                           AdwHeaderBar         *header,
                           AdwViewStack         *stack,
                           AdwViewSwitcherBar   *bar,
                           GtkWidget            *label)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
#if MW_COMPAT_ADW_1_4
  GtkWidget *switcher = adw_view_switcher_new ();
  AdwBreakpoint *narrow = adw_breakpoint_new (adw_breakpoint_condition_parse ("max-width: 550sp"));
  AdwBreakpoint *narrowest = adw_breakpoint_new (adw_breakpoint_condition_parse ("max-width: 450sp"));

  adw_view_switcher_set_stack (ADW_VIEW_SWITCHER (switcher), stack);
  adw_view_switcher_set_policy (ADW_VIEW_SWITCHER (switcher), ADW_VIEW_SWITCHER_POLICY_WIDE);
  adw_header_bar_set_title_widget (header, switcher);
  adw_view_switcher_bar_set_stack (bar, stack);

  /* Without a title widget, the header bar shows the window's title. The last breakpoint
   * that applies is the one used, so the narrowest says everything. */
  adw_breakpoint_add_setters (narrow, G_OBJECT (header), "title-widget", NULL, G_OBJECT (bar), "reveal", TRUE, NULL);
  adw_breakpoint_add_setters (narrowest, G_OBJECT (header), "title-widget", NULL, G_OBJECT (bar), "reveal", TRUE,
                              G_OBJECT (label), "visible", FALSE, NULL);
  adw_breakpoint_bin_add_breakpoint (toolbar->bin, narrow);
  adw_breakpoint_bin_add_breakpoint (toolbar->bin, narrowest);
#else
  GtkWidget *title = adw_view_switcher_title_new ();
  GtkWidget *box = gtk_widget_get_parent (label);
  GtkWidget *squeezer = adw_squeezer_new ();

  adw_view_switcher_title_set_stack (ADW_VIEW_SWITCHER_TITLE (title), stack);
  g_object_bind_property (window, "title", title, "title", G_BINDING_SYNC_CREATE);
  adw_header_bar_set_title_widget (header, title);
  adw_view_switcher_bar_set_stack (bar, stack);
  g_object_bind_property (title, "title-visible", bar, "reveal", G_BINDING_SYNC_CREATE);

  /* The label gives way when the header bar runs out of room. No crossfade: while fading
   * out, the label would be drawn centred over what it explains. */
  g_return_if_fail (GTK_IS_BOX (box));
  adw_squeezer_set_homogeneous (ADW_SQUEEZER (squeezer), FALSE);
  adw_squeezer_set_transition_type (ADW_SQUEEZER (squeezer), ADW_SQUEEZER_TRANSITION_TYPE_NONE);
  adw_squeezer_set_xalign (ADW_SQUEEZER (squeezer), 0);
  gtk_box_insert_child_after (GTK_BOX (box), squeezer, label);
  g_object_ref (label);
  gtk_box_remove (GTK_BOX (box), label);
  adw_squeezer_add (ADW_SQUEEZER (squeezer), label);
  g_object_unref (label);
  adw_squeezer_add (ADW_SQUEEZER (squeezer), gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0));
#endif
  G_GNUC_END_IGNORE_DEPRECATIONS
}
