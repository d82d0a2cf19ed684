package io.holdfast;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Registers one {@link EventLoopMXBean} per loop. JMX is optional: any failure (no
 * {@code java.management} module, a security manager, a name clash that cannot be resolved) is
 * logged once at debug level and the loop works without its MBean.
 */
final class LoopJmx implements EventLoopMXBean {
  private static final System.Logger LOG = System.getLogger(LoopJmx.class.getName());
  static final String DOMAIN = "io.holdfast";
  /** {@code -Dholdfast.jmx.disabled=true}: no MBeans (and no platform MBean server start-up). */
  static final String DISABLE_PROPERTY = "holdfast.jmx.disabled";

  private final EventLoop loop;

  private LoopJmx(EventLoop loop) {
    this.loop = loop;
  }

  /** @return the registered ObjectName (as Object, so callers need no JMX types), or null */
  static Object register(EventLoop loop, long id) {
    if (Boolean.getBoolean(DISABLE_PROPERTY)) return null;
    try {
      return Registrar.register(new LoopJmx(loop), loop.name(), id);
    } catch (Throwable t) { // LinkageError without java.management, JMException, SecurityException
      LOG.log(System.Logger.Level.DEBUG, "no MBean for loop " + loop.name(), t);
      return null;
    }
  }

  static void unregister(Object name) {
    if (name == null) return;
    try {
      Registrar.unregister(name);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.DEBUG, "could not unregister " + name, t);
    }
  }

  /** The only code that names JMX types: never loaded where {@code java.management} is absent. */
  static final class Registrar {
    private Registrar() {}

    static Object register(LoopJmx bean, String loopName, long id) throws Exception {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName name = objectName(loopName);
      try {
        server.registerMBean(bean, name);
      } catch (InstanceAlreadyExistsException e) {
        // Two loops share a name (e.g. two groups with one prefix): the later one gets its id.
        name = objectName(loopName + "#" + id);
        server.registerMBean(bean, name);
      }
      return name;
    }

    static ObjectName objectName(String loopName) throws MalformedObjectNameException {
      try {
        ObjectName plain = new ObjectName(DOMAIN + ":type=EventLoop,name=" + loopName);
        if (!plain.isPattern()) return plain;
      } catch (MalformedObjectNameException e) {
        // a name with , = : or quotes: quoted below
      }
      return new ObjectName(DOMAIN + ":type=EventLoop,name=" + ObjectName.quote(loopName));
    }

    static void unregister(Object name) throws Exception {
      ManagementFactory.getPlatformMBeanServer().unregisterMBean((ObjectName) name);
    }
  }

  @Override
  public String getName() {
    return loop.name();
  }

  @Override
  public String getBackend() {
    return loop.backend();
  }

  @Override
  public long getIterations() {
    return loop.metrics().iterations();
  }

  @Override
  public long getEvents() {
    return loop.metrics().events();
  }

  @Override
  public long getTasks() {
    return loop.metrics().tasks();
  }

  @Override
  public long getIdleInPollMillis() {
    return loop.metrics().idleInPoll().toMillis();
  }

  @Override
  public long getLagMaxMicros() {
    return loop.metrics().lagMax().toNanos() / 1000;
  }

  @Override
  public long getLagMeanMicros() {
    return loop.metrics().lagMean().toNanos() / 1000;
  }

  @Override
  public long getSlowCallbacks() {
    return loop.metrics().slowCallbacks();
  }

  @Override
  public String[] getRecentSlowCallbacks() {
    List<LoopMetrics.SlowCallback> recent = loop.metrics().recentSlowCallbacks();
    String[] out = new String[recent.size()];
    for (int i = 0; i < out.length; i++) out[i] = recent.get(i).toString();
    return out;
  }

  @Override
  public long getSlowCallbackThresholdMillis() {
    return loop.slowCallbackThreshold().toMillis();
  }

  @Override
  public void setSlowCallbackThresholdMillis(long millis) {
    loop.setSlowCallbackThreshold(Duration.ofMillis(millis));
  }

  @Override
  public Map<String, Integer> getHandlesByType() {
    return loop.metrics().handlesByType();
  }

  @Override
  public int getHandleCount() {
    return loop.metrics().handleCount();
  }

  @Override
  public String[] getHandles() {
    List<HandleInfo> handles = loop.handles();
    String[] out = new String[handles.size()];
    for (int i = 0; i < out.length; i++) out[i] = handles.get(i).toString();
    return out;
  }

  @Override
  public String dump() {
    return loop.dump();
  }
}
