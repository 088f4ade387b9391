/* mw-test-network.c: a network monitor whose answer the test decides
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Meanwhile does when the network goes away cannot be tested by taking the test
 * machine off its network. The system's GNetworkMonitor only reports what the kernel or
 * NetworkManager says; this one reports what the test says, through the same interface
 * and the same "network-changed" signal. The servers the tests use are real, on
 * loopback, and a test that says "offline" also stops answering on them.
 */
#define G_LOG_DOMAIN "mw-test-network"

#include "config.h"

#include "mw-test-network.h"

struct _MwTestNetwork
{
  GObject  parent_instance;

  gboolean available;
};

static void mw_test_network_monitor_init (GNetworkMonitorInterface *iface);
static void mw_test_network_initable_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MwTestNetwork, mw_test_network, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, mw_test_network_initable_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, mw_test_network_monitor_init))

enum {
  PROP_0,
  PROP_NETWORK_AVAILABLE,
  PROP_NETWORK_METERED,
  PROP_CONNECTIVITY,
};

static gboolean
mw_test_network_can_reach (GNetworkMonitor     *monitor,
                           GSocketConnectable  *connectable,
                           GCancellable        *cancellable,
                           GError             **error)
{
  if (MW_TEST_NETWORK (monitor)->available)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "The test took the network away");
  return FALSE;
}

static void
mw_test_network_monitor_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = mw_test_network_can_reach;
}

static gboolean
mw_test_network_initable (GInitable     *initable,
                          GCancellable  *cancellable,
                          GError       **error)
{
  return TRUE;
}

static void
mw_test_network_initable_init (GInitableIface *iface)
{
  iface->init = mw_test_network_initable;
}

static void
mw_test_network_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MwTestNetwork *self = MW_TEST_NETWORK (object);

  switch (prop_id)
    {
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_NETWORK_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mw_test_network_class_init (MwTestNetworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = mw_test_network_get_property;
  g_object_class_override_property (object_class, PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
mw_test_network_init (MwTestNetwork *self)
{
}

MwTestNetwork *
mw_test_network_new (gboolean available)
{
  MwTestNetwork *self = g_object_new (MW_TYPE_TEST_NETWORK, NULL);

  self->available = available;
  return self;
}

/* Says the network came or went, as the system's monitor would. */
void
mw_test_network_set_available (MwTestNetwork *self,
                               gboolean       available)
{
  g_return_if_fail (MW_IS_TEST_NETWORK (self));

  available = !!available;
  if (self->available == available)
    return;
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_object_notify (G_OBJECT (self), "connectivity");
  g_signal_emit_by_name (self, "network-changed", available);
}
