package io.stacklens.agent.data;

/**
 * The attributes that make a log record an alert: written by the {@code rules} processor, read by
 * the {@code postgres} exporter's alerts table ({@code table_kind: alerts}) and by anyone routing
 * on them.
 */
public final class AlertAttributes {
  private AlertAttributes() {}

  /** The issue code, e.g. {@code PRICE_MISSING}. */
  public static final String ISSUE_CODE = "alert.issue_code";

  /** {@code critical}, {@code warning} or {@code info}. */
  public static final String SEVERITY = "alert.severity";

  /** What a person should do about it. */
  public static final String SUGGESTED_FIX = "alert.suggested_fix";

  /** How sure the rule is, 0..1 (a double). */
  public static final String CONFIDENCE = "alert.confidence";
}
