package io.stacklens.agent.json;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Jackson's parse error messages in the words of the agent's other messages. */
final class JacksonMessages {
  private static final Pattern UNEXPECTED_CHAR =
      Pattern.compile("^Unexpected character \\('(.*?)' \\(code \\d+\\)\\)");
  private static final Pattern CTRL_CHAR = Pattern.compile("\\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

  private JacksonMessages() {}

  /**
   * Jackson's message without its source excerpt or location: {@code Unexpected character ('}'
   * (code 125)): was expecting double-quote to start field name} becomes {@code unexpected
   * character '}': expected double-quote to start field name}.
   */
  static String reason(String original) {
    if (original == null) return "malformed JSON";
    String m = original;
    int src = m.indexOf("[Source");
    if (src >= 0) {
      m = m.substring(0, src);
      int open = m.lastIndexOf(" (");
      if (open >= 0 && m.indexOf(')', open) < 0) m = m.substring(0, open);
    }
    int nl = m.indexOf('\n');
    if (nl >= 0) m = m.substring(0, nl);
    Matcher u = UNEXPECTED_CHAR.matcher(m);
    if (u.find()) m = "unexpected character '" + u.group(1) + "'" + m.substring(u.end());
    Matcher c = CTRL_CHAR.matcher(m);
    if (c.find())
      m =
          m.substring(0, c.start())
              + "(control character "
              + c.group(1)
              + ")"
              + m.substring(c.end());
    m =
        m.replace("was expecting", "expected")
            .replace("end-of-input", "end of input")
            .replace("expected close marker for Object", "an object is not closed (no '}')")
            .replace("expected close marker for Array", "an array is not closed (no ']')")
            .replace(
                ": expected (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
                " (expected a string, number, array, object, true, false or null)")
            .trim();
    if (m.endsWith(":") || m.endsWith(",")) m = m.substring(0, m.length() - 1);
    return m.isEmpty() ? "malformed JSON" : Character.toLowerCase(m.charAt(0)) + m.substring(1);
  }
}
