package io.stacklens.agent.expr;

import java.util.Locale;

/** OTLP severity numbers and the names people write for them. */
public final class SeverityNames {
  private SeverityNames() {}

  private static final String[] RANGES = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

  /**
   * The exact OTLP short names used as literals in conditions: TRACE=1, TRACE2..TRACE4, DEBUG=5,
   * ..., INFO=9, WARN=13, ERROR=17, FATAL=21..FATAL4=24 (upper case). -1 when {@code name} is not
   * one.
   */
  public static int literal(String name) {
    for (int r = 0; r < RANGES.length; r++) {
      String base = RANGES[r];
      if (!name.startsWith(base)) continue;
      String rest = name.substring(base.length());
      if (rest.isEmpty()) return r * 4 + 1;
      if (rest.length() == 1 && rest.charAt(0) >= '2' && rest.charAt(0) <= '4')
        return r * 4 + (rest.charAt(0) - '0');
    }
    return -1;
  }

  /**
   * Maps severity text as applications write it to an OTLP severity number, case-insensitively:
   * trace, debug, info/information/notice, warn/warning, error/err,
   * fatal/critical/crit/alert/emerg/ emergency/panic, and the OTLP names with a level suffix
   * (INFO2, ERROR3). Numbers 1..24 are taken as they are. -1 when the text means nothing known.
   */
  public static int parse(String text) {
    if (text == null) return -1;
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.isEmpty()) return -1;
    int exact = literal(t);
    if (exact > 0) return exact;
    switch (t) {
      case "TRC", "FINEST", "FINER":
        return 1;
      case "DBG", "FINE", "CONFIG":
        return 5;
      case "INFORMATION", "INFORMATIONAL", "NOTICE", "INF":
        return 9;
      case "WARNING", "WRN":
        return 13;
      case "ERR", "SEVERE", "EROR":
        return 17;
      case "CRITICAL", "CRIT", "ALERT", "EMERG", "EMERGENCY", "PANIC", "FTL":
        return 21;
      default:
        break;
    }
    try {
      int n = Integer.parseInt(t);
      return n >= 1 && n <= 24 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The OTLP short name of a severity number (INFO, WARN2, ...), or "UNSPECIFIED" for 0. */
  public static String name(int number) {
    if (number <= 0 || number > 24) return "UNSPECIFIED";
    int r = (number - 1) / 4;
    int sub = (number - 1) % 4;
    return sub == 0 ? RANGES[r] : RANGES[r] + (sub + 1);
  }
}
