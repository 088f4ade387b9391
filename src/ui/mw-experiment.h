/* mw-experiment.h: a guided experiment, the same downloads responsive and then frozen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "mw-application.h"
#include "mw-experiment-run.h"
#include "mw-freeze-banner.h"

G_BEGIN_DECLS

typedef enum
{
  MW_EXPERIMENT_CLOSED,
  MW_EXPERIMENT_RESPONSIVE,    /* step 1: download in responsive mode */
  MW_EXPERIMENT_SWITCH,        /* step 2: turn on freezing mode */
  MW_EXPERIMENT_FREEZING,      /* step 3: download again, frozen */
  MW_EXPERIMENT_RESULT,
} MwExperimentStep;

#define MW_TYPE_EXPERIMENT (mw_experiment_get_type ())
G_DECLARE_FINAL_TYPE (MwExperiment, mw_experiment, MW, EXPERIMENT, GtkWidget)

void                   mw_experiment_set_application (MwExperiment       *self,
                                                      MwApplication      *application,
                                                      MwFreezeBanner     *banner);
void                   mw_experiment_set_urls        (MwExperiment       *self,
                                                      const char * const *urls);
void                   mw_experiment_point_at        (MwExperiment       *self,
                                                      GtkWidget          *freezing_switch);
void                   mw_experiment_open            (MwExperiment       *self);
MwExperimentStep       mw_experiment_get_step        (MwExperiment       *self);
gboolean               mw_experiment_is_running      (MwExperiment       *self);
const MwExperimentRun *mw_experiment_get_run         (MwExperiment       *self,
                                                      gboolean            freezing);

G_END_DECLS
