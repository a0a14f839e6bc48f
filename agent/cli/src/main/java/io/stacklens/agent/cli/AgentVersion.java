package io.stacklens.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The agent's version, from the build. */
public final class AgentVersion {
  private AgentVersion() {}

  public static String get() {
    try (InputStream in =
        AgentVersion.class.getResourceAsStream("/io/stacklens/agent/version.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
