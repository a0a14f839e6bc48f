package io.stacklens.agent.cli;

import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * The signals the agent acts on: SIGTERM and SIGINT stop it gracefully, SIGHUP reloads the config.
 * Turning SIGTERM and SIGINT into a graceful stop ourselves (instead of only a shutdown hook) lets
 * the agent drain and then exit with status 0, which service managers read as a clean stop; a
 * shutdown hook alone would exit 143/130.
 *
 * <p>The JDK's only signal API is {@code sun.misc.Signal} (module jdk.unsupported). It is reached
 * by reflection so that the build can treat every compiler warning as an error: javac warns about
 * each direct use of an internal API and that warning cannot be suppressed.
 */
final class Signals {
  private Signals() {}

  static void onTermOrInt(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        handle(
            name,
            () -> {
              System.getLogger(Signals.class.getName())
                  .log(Level.INFO, "received SIG" + name + ", shutting down");
              action.run();
            });
      } catch (ReflectiveOperationException
          | IllegalArgumentException
          | UnsupportedOperationException e) {
        // Signal not available on this platform or already used by the JVM: the shutdown hook
        // covers it.
      }
    }
  }

  /**
   * Runs {@code action} on each SIGHUP. Without this the JVM treats SIGHUP like SIGTERM (it runs
   * the shutdown hooks and exits), as most daemons' users would not expect.
   */
  static void onHangUp(Runnable action) {
    try {
      handle("HUP", action);
    } catch (ReflectiveOperationException
        | IllegalArgumentException
        | UnsupportedOperationException e) {
      System.getLogger(Signals.class.getName())
          .log(
              Level.WARNING,
              "SIGHUP cannot be handled on this platform; reload with POST /reload on the admin"
                  + " endpoint instead");
    }
  }

  private static void handle(String name, Runnable onSignal) throws ReflectiveOperationException {
    Class<?> signalClass = Class.forName("sun.misc.Signal");
    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
    Object handler =
        Proxy.newProxyInstance(
            handlerClass.getClassLoader(),
            new Class<?>[] {handlerClass},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "handle" -> {
                    onSignal.run();
                    yield null;
                  }
                  case "hashCode" -> System.identityHashCode(proxy);
                  case "equals" -> proxy == args[0];
                  default -> "Signals handler for SIG" + name;
                });
    Object signal = signalClass.getConstructor(String.class).newInstance(name);
    try {
      signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, handler);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException iae) throw iae;
      if (e.getCause() instanceof UnsupportedOperationException uoe) throw uoe;
      throw e;
    }
  }
}
