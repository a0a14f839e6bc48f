package io.stacklens.agent.data;

/** Text hygiene for strings that came from outside. */
public final class Utf16 {
  /** U+FFFD REPLACEMENT CHARACTER. */
  public static final char REPLACEMENT = '\uFFFD';

  private Utf16() {}

  /**
   * {@code s} with every unpaired surrogate (which has no UTF-8 form: a JSON {@code "\ud800"}
   * escape) replaced by U+FFFD; {@code s} itself when it has none, which is checked without
   * allocating.
   */
  public static String replaceLoneSurrogates(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return replaceFrom(s, i);
      }
    }
    return s;
  }

  private static String replaceFrom(String s, int first) {
    StringBuilder sb = new StringBuilder(s.length()).append(s, 0, first);
    int n = s.length();
    for (int i = first; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append(REPLACEMENT);
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
