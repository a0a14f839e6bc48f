package io.stacklens.processor.parse;

import io.stacklens.agent.data.Attributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Text matched against a regex compiled once; each named group {@code (?<name>...)} that took part
 * in the match becomes a string field. One {@link Matcher} is reused (one worker thread per
 * instance).
 */
final class RegexParse {
  private final Pattern pattern;
  private final String[] names;
  private final Matcher matcher;

  RegexParse(String regex) {
    this.pattern = compile(regex);
    this.names = groupNames(regex).toArray(new String[0]);
    this.matcher = pattern.matcher("");
  }

  /**
   * Compiles {@code regex}, or throws IllegalArgumentException with a message for the config
   * problem: the syntax error and where it is, or that there is no named group.
   */
  static Pattern compile(String regex) {
    Pattern p;
    try {
      p = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "is not a valid Java regex: "
              + e.getDescription()
              + (e.getIndex() >= 0 ? " at index " + e.getIndex() : "")
              + " of '"
              + regex
              + "'");
    }
    if (groupNames(regex).isEmpty()) {
      throw new IllegalArgumentException(
          "has no named group; name what to extract with (?<name>...), e.g. "
              + "'^(?<level>\\w+) (?<message>.*)$' (names: letters and digits, starting with a letter)");
    }
    return p;
  }

  /**
   * Names of the named groups in order of appearance, skipping escapes, \Q..\E quotes and character
   * classes.
   */
  static List<String> groupNames(String regex) {
    List<String> out = new ArrayList<>();
    int classDepth = 0;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 < regex.length() && regex.charAt(i + 1) == 'Q') {
          int end = regex.indexOf("\\E", i + 2);
          if (end < 0) break;
          i = end + 1;
        } else {
          i++;
        }
      } else if (c == '[') {
        classDepth++;
      } else if (c == ']' && classDepth > 0) {
        classDepth--;
      } else if (classDepth == 0
          && c == '('
          && regex.startsWith("?<", i + 1)
          && i + 3 < regex.length()
          && Character.isLetter(regex.charAt(i + 3))) {
        int end = regex.indexOf('>', i + 3);
        if (end > 0) out.add(regex.substring(i + 3, end));
      }
    }
    return out;
  }

  /**
   * Matches the whole-pattern search ({@code find}) against {@code text}; the groups go to a new
   * map.
   */
  Attributes parse(String text, String where) throws RecordError {
    Matcher m = matcher.reset(text);
    if (!m.find()) {
      throw new RecordError(
          "regex: " + where + " " + RecordError.show(text) + " does not match the pattern");
    }
    Attributes out = new Attributes(names.length);
    for (String name : names) {
      int start = m.start(name);
      if (start >= 0) out.put(name, text.substring(start, m.end(name)));
    }
    matcher.reset("");
    return out;
  }
}
