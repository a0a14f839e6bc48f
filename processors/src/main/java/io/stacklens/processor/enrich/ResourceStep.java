package io.stacklens.processor.enrich;

import io.stacklens.agent.data.AnyValues;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.processor.enrich.EnrichProcessorConfig.ResourceSettings;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code resource} step: attributes of the agent's host (detected once, at creation) and static
 * attributes, added to every resource of a batch. Without {@code override} an attribute the
 * application already sent is kept.
 */
final class ResourceStep {
  static final String NAME = "resource";

  private final String[] keys;
  private final Object[] values;
  private final boolean override;

  ResourceStep(ResourceSettings s, Function<String, String> env) {
    Attributes all = detect(s.detect, s.environmentVariable, env);
    for (Map.Entry<String, String> e : s.attributes.entrySet()) all.put(e.getKey(), e.getValue());
    keys = new String[all.size()];
    values = new Object[all.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = all.key(i);
      values[i] = all.value(i);
    }
    override = s.override;
  }

  /** What this step adds, for tests and logs. */
  Attributes attributes() {
    Attributes a = new Attributes(keys.length);
    for (int i = 0; i < keys.length; i++) a.put(keys[i], AnyValues.deepCopy(values[i]));
    return a;
  }

  /** Enriches one resource; true when it set at least one attribute. */
  boolean apply(ResourceLogs resource) {
    Attributes target = resource.resource().attributes();
    boolean changed = false;
    for (int i = 0; i < keys.length; i++) {
      if (!override && target.contains(keys[i])) continue;
      Object v = values[i];
      target.put(keys[i], v instanceof List<?> ? AnyValues.deepCopy(v) : v);
      changed = true;
    }
    return changed;
  }

  /** Detects the attributes named in {@code which}; one that cannot be found is left out. */
  static Attributes detect(
      List<String> which, String environmentVariable, Function<String, String> env) {
    Attributes out = new Attributes();
    for (String attribute : which) {
      Object v =
          switch (attribute) {
            case "host.name" -> hostName(env);
            case "os.type" -> osType(System.getProperty("os.name", ""));
            case "process.pid" -> ProcessHandle.current().pid();
            case "host.ip" -> hostIps();
            case "deployment.environment" -> {
              String e = env.apply(environmentVariable);
              yield e == null || e.isBlank() ? null : e.trim();
            }
            default -> null;
          };
      if (v != null) out.put(attribute, v);
    }
    return out;
  }

  static String hostName(Function<String, String> env) {
    try {
      String name = InetAddress.getLocalHost().getHostName();
      if (name != null && !name.isBlank()) return name;
    } catch (Exception e) {
      // fall back to what the environment says
    }
    for (String var : List.of("HOSTNAME", "COMPUTERNAME")) {
      String v = env.apply(var);
      if (v != null && !v.isBlank()) return v.trim();
    }
    return null;
  }

  /** The OpenTelemetry os.type value for a Java os.name. */
  static String osType(String osName) {
    String n = osName.toLowerCase(Locale.ROOT);
    if (n.isEmpty()) return null;
    if (n.startsWith("windows")) return "windows";
    if (n.startsWith("linux")) return "linux";
    if (n.startsWith("mac") || n.startsWith("darwin")) return "darwin";
    if (n.startsWith("freebsd")) return "freebsd";
    if (n.startsWith("netbsd")) return "netbsd";
    if (n.startsWith("openbsd")) return "openbsd";
    if (n.startsWith("dragonfly")) return "dragonflybsd";
    if (n.startsWith("sunos") || n.startsWith("solaris")) return "solaris";
    if (n.startsWith("aix")) return "aix";
    if (n.startsWith("hp-ux")) return "hpux";
    if (n.startsWith("z/os")) return "z_os";
    return n.replace(' ', '_');
  }

  /**
   * Non-loopback, non-link-local addresses of the interfaces that are up; null when there are none.
   */
  static List<Object> hostIps() {
    List<Object> ips = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) continue;
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a.isLoopbackAddress() || a.isLinkLocalAddress()) continue;
          String text = a.getHostAddress();
          if (a instanceof Inet6Address && text.indexOf('%') >= 0)
            text = text.substring(0, text.indexOf('%'));
          ips.add(text);
        }
      }
    } catch (SocketException | RuntimeException e) {
      return ips.isEmpty() ? null : ips;
    }
    return ips.isEmpty() ? null : ips;
  }
}
