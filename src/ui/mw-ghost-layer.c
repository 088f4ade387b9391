/* mw-ghost-layer.c: clicks that waited for a frozen window, shown where they happened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs on the main thread, over the whole window, and never takes input itself. While
 * the main loop is blocked, clicks queue up unseen; when it runs again each one is
 * replayed here as a ripple that fades where it landed, labelled with how long it
 * waited. The layer draws only while a ripple is alive.
 */
#define G_LOG_DOMAIN "mw-ghost-layer"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-format.h"
#include "mw-ghost-layer.h"

#define GHOST_LIFE_US     (3 * G_USEC_PER_SEC)
#define GHOST_RADIUS      28.0
#define MAX_GHOSTS        16

typedef struct
{
  double  x;
  double  y;
  gint64  waited;
  gint64  born;
  char   *label;
} Ghost;

struct _MwGhostLayer
{
  GtkWidget  parent_instance;

  GArray    *ghosts;
  guint      tick;
};

G_DEFINE_FINAL_TYPE (MwGhostLayer, mw_ghost_layer, GTK_TYPE_WIDGET)

static void
ghost_clear (Ghost *ghost)
{
  g_clear_pointer (&ghost->label, g_free);
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *frame_clock,
         gpointer       user_data)
{
  MwGhostLayer *self = MW_GHOST_LAYER (widget);
  gint64 now = g_get_monotonic_time ();

  for (guint i = self->ghosts->len; i > 0; i--)
    if (now - g_array_index (self->ghosts, Ghost, i - 1).born > GHOST_LIFE_US)
      g_array_remove_index (self->ghosts, i - 1);
  gtk_widget_queue_draw (widget);
  if (self->ghosts->len > 0)
    return G_SOURCE_CONTINUE;
  self->tick = 0;
  return G_SOURCE_REMOVE;
}

static void
mw_ghost_layer_snapshot (GtkWidget   *widget,
                         GtkSnapshot *snapshot)
{
  MwGhostLayer *self = MW_GHOST_LAYER (widget);
  gint64 now = g_get_monotonic_time ();
  GdkRGBA color;

  mw_widget_get_color (widget, &color);
  for (guint i = 0; i < self->ghosts->len; i++)
    {
      Ghost *ghost = &g_array_index (self->ghosts, Ghost, i);
      double age = CLAMP ((double) (now - ghost->born) / GHOST_LIFE_US, 0.0, 1.0);
      double radius = GHOST_RADIUS * (0.4 + 0.6 * sqrt (age));
      double alpha = 1.0 - age;
      GskRoundedRect ring;
      GdkRGBA ring_color = { 0.88, 0.11, 0.14, 0.8 * alpha };   /* the colour of a stall */
      GdkRGBA text_color = color;
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, ghost->label);
      float border[4];
      GdkRGBA border_colors[4];
      int text_width, text_height;

      for (guint k = 0; k < 4; k++)
        {
          border[k] = 3;
          border_colors[k] = ring_color;
        }
      gsk_rounded_rect_init_from_rect (&ring, &GRAPHENE_RECT_INIT (ghost->x - radius, ghost->y - radius,
                                                                   2 * radius, 2 * radius), radius);
      gtk_snapshot_append_border (snapshot, &ring, border, border_colors);

      text_color.alpha *= alpha;
      pango_layout_get_pixel_size (layout, &text_width, &text_height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (CLAMP (ghost->x - text_width / 2.0, 4,
                                                                     MAX (4, gtk_widget_get_width (widget) - text_width - 4)),
                                                              ghost->y + GHOST_RADIUS + 4));
      gtk_snapshot_append_layout (snapshot, layout, &text_color);
      gtk_snapshot_restore (snapshot);
    }
}

/* Adds a ripple at (@x, @y), in the layer's coordinates, for a click that waited
 * @waited_us for the main loop. */
void
mw_ghost_layer_add (MwGhostLayer *self,
                    double        x,
                    double        y,
                    gint64        waited_us)
{
  g_autofree char *length = NULL;
  Ghost ghost;

  g_return_if_fail (MW_IS_GHOST_LAYER (self));

  if (self->ghosts->len >= MAX_GHOSTS)
    g_array_remove_index (self->ghosts, 0);
  length = mw_format_duration (waited_us);
  ghost.x = x;
  ghost.y = y;
  ghost.waited = waited_us;
  ghost.born = g_get_monotonic_time ();
  /* Translators: shown where a click landed while the window was frozen; %s is "9.2 s" */
  ghost.label = g_strdup_printf (_("this click waited %s"), length);
  g_array_append_val (self->ghosts, ghost);

  if (self->tick == 0)
    self->tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Returns: how many ripples are alive */
guint
mw_ghost_layer_get_n_ghosts (MwGhostLayer *self)
{
  g_return_val_if_fail (MW_IS_GHOST_LAYER (self), 0);
  return self->ghosts->len;
}

/* Returns: (transfer full): the label of ripple @index, oldest first */
char *
mw_ghost_layer_dup_label (MwGhostLayer *self,
                          guint         index)
{
  g_return_val_if_fail (MW_IS_GHOST_LAYER (self), NULL);
  g_return_val_if_fail (index < self->ghosts->len, NULL);
  return g_strdup (g_array_index (self->ghosts, Ghost, index).label);
}

static void
mw_ghost_layer_unmap (GtkWidget *widget)
{
  MwGhostLayer *self = MW_GHOST_LAYER (widget);

  if (self->tick != 0)
    gtk_widget_remove_tick_callback (widget, self->tick);
  self->tick = 0;
  g_array_set_size (self->ghosts, 0);
  GTK_WIDGET_CLASS (mw_ghost_layer_parent_class)->unmap (widget);
}

static void
mw_ghost_layer_finalize (GObject *object)
{
  MwGhostLayer *self = MW_GHOST_LAYER (object);

  g_array_unref (self->ghosts);

  G_OBJECT_CLASS (mw_ghost_layer_parent_class)->finalize (object);
}

static void
mw_ghost_layer_class_init (MwGhostLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = mw_ghost_layer_finalize;
  widget_class->snapshot = mw_ghost_layer_snapshot;
  widget_class->unmap = mw_ghost_layer_unmap;
}

static void
mw_ghost_layer_init (MwGhostLayer *self)
{
  self->ghosts = g_array_new (FALSE, TRUE, sizeof (Ghost));
  g_array_set_clear_func (self->ghosts, (GDestroyNotify) ghost_clear);
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
}
