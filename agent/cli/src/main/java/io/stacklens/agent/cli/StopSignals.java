package io.stacklens.agent.cli;

import java.lang.System.Logger.Level;

/**
 * Turns SIGTERM and SIGINT into a graceful stop. Handling the signals ourselves (instead of only a
 * shutdown hook) lets the agent drain and then exit with status 0, which service managers read as a
 * clean stop; a shutdown hook alone would exit 143/130.
 */
final class StopSignals {
  private StopSignals() {}

  @SuppressWarnings("restriction")
  static void onTermOrInt(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
          System.getLogger(StopSignals.class.getName()).log(Level.INFO, "received SIG" + name + ", shutting down");
          action.run();
        });
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        // Signal not available on this platform or already used by the JVM: the shutdown hook covers it.
      }
    }
  }
}
