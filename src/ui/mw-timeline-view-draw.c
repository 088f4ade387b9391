/* mw-timeline-view-draw.c: drawing the timeline view's model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Lanes stacked under their titles, then the axis and the markers. Colours come from the
 * theme, so that the view follows the dark style; text is the theme's, a size smaller.
 */
#define G_LOG_DOMAIN "mw-timeline-view-draw"

#include "config.h"

#include <glib/gi18n.h>

#include "mw-compat.h"
#include "mw-format.h"
#include "mw-timeline-view-private.h"

static const MwTimelineLane drawn_lanes[] = {
  MW_TIMELINE_MAIN, MW_TIMELINE_WORKERS, MW_TIMELINE_NETWORK,
};

typedef struct
{
  GdkRGBA fg, dim, faint;
  GdkRGBA main_work, worker, network, stall;
} Palette;

static void
lookup_color (GtkWidget  *widget,
              const char *name,
              const char *fallback,
              GdkRGBA    *color)
{
  /* Named in libadwaita's stylesheet, light and dark; other themes may lack them. */
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, color))
    gdk_rgba_parse (color, fallback);
}

static void
get_palette (GtkWidget *widget,
             Palette   *palette)
{
  mw_widget_get_color (widget, &palette->fg);
  palette->dim = palette->fg;
  palette->dim.alpha *= 0.55f;
  palette->faint = palette->fg;
  palette->faint.alpha *= 0.07f;
  lookup_color (widget, "warning_color", "#c64600", &palette->main_work);
  lookup_color (widget, "success_color", "#1b8553", &palette->worker);
  lookup_color (widget, "accent_color", "#1c71d8", &palette->network);
  lookup_color (widget, "error_color", "#c01c28", &palette->stall);
}

static float
x_of (MwTimelineView *self,
      gint64          time,
      float           width)
{
  return (float) ((double) (time - (self->now - WINDOW_US)) / WINDOW_US * width);
}

static PangoLayout *
create_layout (GtkWidget  *widget,
               const char *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (PANGO_SCALE_SMALL));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

static int
text_width (GtkWidget  *widget,
            const char *text)
{
  g_autoptr(PangoLayout) layout = create_layout (widget, text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static void
append_text (GtkWidget     *widget,
             GtkSnapshot   *snapshot,
             const char    *text,
             const GdkRGBA *color,
             float          x,
             float          y,
             float          max_width,
             float          align)
{
  g_autoptr(PangoLayout) layout = create_layout (widget, text);
  int width, height;

  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_width (layout, (int) (max_width * PANGO_SCALE));
  pango_layout_get_pixel_size (layout, &width, &height);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (roundf (x - align * width),
                                                          roundf (y - height / 2.f)));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

/* A bar for a segment, shaded by how much of its time its runs were busy. */
static void
append_bar (GtkWidget               *widget,
            GtkSnapshot             *snapshot,
            MwTimelineView          *self,
            const MwTimelineSegment *segment,
            const graphene_rect_t   *rect,
            const GdkRGBA           *color,
            const Palette           *palette,
            gboolean                 labelled)
{
  gint64 length = MAX (1, _mw_timeline_view_end_of (self, segment) - segment->start);
  gint64 busy = segment->end != 0 ? segment->busy : segment->busy + self->now;
  float fraction = (float) CLAMP ((double) busy / length, 0.0, 1.0);
  GdkRGBA fill = *color;

  fill.alpha *= 0.35f + 0.5f * fraction;
  gtk_snapshot_append_color (snapshot, &fill, rect);
  if (labelled && rect->size.width >= MIN_LABEL_WIDTH)
    {
      gtk_snapshot_push_clip (snapshot, rect);
      append_text (widget, snapshot, segment->label, &palette->fg, rect->origin.x + 4,
                   rect->origin.y + rect->size.height / 2, rect->size.width - 8, 0);
      gtk_snapshot_pop (snapshot);
    }
}

/* The tick of every frame, merged where they are closer than a pixel. */
static void
append_comb (GtkSnapshot    *snapshot,
             MwTimelineView *self,
             const GdkRGBA  *color,
             float           width,
             float           y)
{
  int run_start = -1, run_end = -1;

  for (guint i = 0; i <= self->n_frames; i++)
    {
      int column = i < self->n_frames ? (int) x_of (self, self->frames[i], width) : G_MAXINT;

      if (run_start >= 0 && column <= run_end + 1)
        {
          run_end = MAX (run_end, column);
          continue;
        }
      if (run_start >= 0)
        gtk_snapshot_append_color (snapshot, color,
                                   &GRAPHENE_RECT_INIT (run_start, y, run_end - run_start + 1, COMB_HEIGHT));
      run_start = run_end = column;
    }
}

/* Bars of one lane, in as many rows (up to MAX_ROWS) as overlapping segments need. */
static void
append_lane (GtkWidget      *widget,
             GtkSnapshot    *snapshot,
             MwTimelineView *self,
             MwTimelineLane  lane,
             const GdkRGBA  *color,
             const Palette  *palette,
             float           width,
             float           top,
             float           height)
{
  float row_end[MAX_ROWS];
  guint n_rows = 1;

  /* First how many rows, then the bars in them: the same packing twice. */
  for (guint pass = 0; pass < 2; pass++)
    {
      float row_height = floorf ((height - (n_rows - 1)) / n_rows);

      for (guint r = 0; r < MAX_ROWS; r++)
        row_end[r] = -G_MAXFLOAT;

      for (guint i = 0; i < self->n_segments; i++)
        {
          const MwTimelineSegment *segment = &self->segments[i];
          float x0, x1;
          guint row = 0;

          if (segment->lane != lane || segment->stall)
            continue;
          x0 = MAX (0, x_of (self, segment->start, width));
          x1 = MIN (width, x_of (self, _mw_timeline_view_end_of (self, segment), width));
          x1 = MAX (x1, x0 + 2);   /* the shortest work still shows */

          while (row < MAX_ROWS && row_end[row] > x0)
            row++;
          if (row == MAX_ROWS)
            {
              row = 0;
              for (guint r = 1; r < MAX_ROWS; r++)
                if (row_end[r] < row_end[row])
                  row = r;
            }
          row_end[row] = MAX (row_end[row], x1 + 1);
          n_rows = MAX (n_rows, row + 1);

          if (pass == 1)
            {
              self->rects[i] = GRAPHENE_RECT_INIT (x0, top + row * (row_height + 1), x1 - x0, row_height);
              append_bar (widget, snapshot, self, segment, &self->rects[i], color, palette,
                          row_height >= BAR_HEIGHT - COMB_HEIGHT - 1);
            }
        }
    }
}

static void
append_main_lane (GtkWidget      *widget,
                  GtkSnapshot    *snapshot,
                  MwTimelineView *self,
                  const Palette  *palette,
                  float           width,
                  float           top)
{
  /* The stalls behind, the work done meanwhile over them, the frames below. */
  for (guint i = 0; i < self->n_segments; i++)
    {
      const MwTimelineSegment *segment = &self->segments[i];
      GdkRGBA band = palette->stall;
      float x0, x1;

      if (segment->lane != MW_TIMELINE_MAIN || !segment->stall)
        continue;
      x0 = MAX (0, x_of (self, segment->start, width));
      x1 = MIN (width, x_of (self, segment->end, width));
      x1 = MAX (x1, x0 + 2);
      self->rects[i] = GRAPHENE_RECT_INIT (x0, top, x1 - x0, BAR_HEIGHT);
      band.alpha *= 0.3f;
      gtk_snapshot_append_color (snapshot, &band, &self->rects[i]);
      gtk_snapshot_append_color (snapshot, &palette->stall, &GRAPHENE_RECT_INIT (x0, top + BAR_HEIGHT - 2, x1 - x0, 2));
      if (x1 - x0 >= MIN_LABEL_WIDTH)
        {
          g_autofree char *length = mw_format_duration (segment->end - segment->start);

          /* Where the sentence does not fit, its length alone says the most. */
          append_text (widget, snapshot,
                       text_width (widget, segment->label) <= x1 - x0 - 8 ? segment->label : length,
                       &palette->fg, x0 + 4, top + (BAR_HEIGHT - 2) / 2.f, x1 - x0 - 8, 0);
        }
    }

  append_lane (widget, snapshot, self, MW_TIMELINE_MAIN, &palette->main_work, palette, width,
               top, BAR_HEIGHT - COMB_HEIGHT - 1);
  append_comb (snapshot, self, &palette->dim, width, top + BAR_HEIGHT - COMB_HEIGHT);
}

static void
append_axis (GtkWidget      *widget,
             GtkSnapshot    *snapshot,
             MwTimelineView *self,
             const Palette  *palette,
             float           width,
             float           top)
{
  int step = width < NARROW_WIDTH ? 30 : 15;

  gtk_snapshot_append_color (snapshot, &palette->dim, &GRAPHENE_RECT_INIT (0, top, width, 1));

  for (int seconds = 60; seconds >= 0; seconds -= step)
    {
      float x = width * (60 - seconds) / 60.f;
      g_autofree char *text = NULL;

      if (seconds > 0)
        /* Translators: a time on the timeline's axis, in seconds before now: "−60 s" */
        text = g_strdup_printf (_("−%d s"), seconds);
      else
        /* Translators: the right end of the timeline's axis */
        text = g_strdup (C_("timeline", "now"));
      gtk_snapshot_append_color (snapshot, &palette->dim,
                                 &GRAPHENE_RECT_INIT (MIN (x, width - 1), top, 1, 4));
      append_text (widget, snapshot, text, &palette->dim, x, top + MARKER_SIZE + 8, width,
                   seconds == 60 ? 0.f : seconds == 0 ? 1.f : 0.5f);
    }

  /* Markers, pointing up at the lanes from the axis. */
  for (guint i = 0; i < self->n_segments; i++)
    {
      const MwTimelineSegment *segment = &self->segments[i];
      float x;

      if (segment->lane != MW_TIMELINE_MARKERS)
        continue;
      x = x_of (self, segment->start, width);
      self->rects[i] = GRAPHENE_RECT_INIT (x - MARKER_SIZE / 2.f, top + 1, MARKER_SIZE, MARKER_SIZE);
      /* A triangle from thin strips: GTK 4.8 has no paths to fill. */
      for (int row = 0; row < MARKER_SIZE / 2 + 1; row++)
        gtk_snapshot_append_color (snapshot, &palette->fg,
                                   &GRAPHENE_RECT_INIT (x - row, top + 1 + row, 2 * row + 1, 1));
    }
}

void
_mw_timeline_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  MwTimelineView *self = MW_TIMELINE_VIEW (widget);
  float width = gtk_widget_get_width (widget);
  float y = PADDING;
  /* Translators: the timeline's lanes: what the window's own thread did (its main
   * loop, drawing and answering), the work done beside it, and the transfers */
  const char *titles[] = { C_("timeline lane", "Window"), C_("timeline lane", "Background work"),
                           C_("timeline lane", "Network") };
  Palette palette;

  get_palette (widget, &palette);

  for (guint l = 0; l < G_N_ELEMENTS (drawn_lanes); l++)
    {
      append_text (widget, snapshot, titles[l], &palette.dim, 0, y + TITLE_HEIGHT / 2.f, width, 0);
      y += TITLE_HEIGHT;
      gtk_snapshot_append_color (snapshot, &palette.faint, &GRAPHENE_RECT_INIT (0, y, width, BAR_HEIGHT));
      if (drawn_lanes[l] == MW_TIMELINE_MAIN)
        append_main_lane (widget, snapshot, self, &palette, width, y);
      else
        append_lane (widget, snapshot, self, drawn_lanes[l],
                     drawn_lanes[l] == MW_TIMELINE_WORKERS ? &palette.worker : &palette.network,
                     &palette, width, y, BAR_HEIGHT);
      y += BAR_HEIGHT + LANE_GAP;
    }

  append_axis (widget, snapshot, self, &palette, width, y);
}
