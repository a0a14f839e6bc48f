package io.stacklens.agent.data;

/** The library that produced the records (OTLP {@code InstrumentationScope}). */
public final class InstrumentationScope {
  private String name = "";
  private String version = "";
  private final Attributes attributes;
  private int droppedAttributesCount;

  /** An unnamed scope with a new empty attribute list. */
  public InstrumentationScope() {
    this(new Attributes());
  }

  /** An unnamed scope using {@code attributes} as is (not copied). */
  public InstrumentationScope(Attributes attributes) {
    this.attributes = attributes;
  }

  /**
   * The scope's name, usually the instrumentation library (e.g. a logger name); empty, never null,
   * when unset.
   */
  public String name() {
    return name;
  }

  /** Sets the scope name; null is stored as the empty string. */
  public InstrumentationScope setName(String name) {
    this.name = name == null ? "" : name;
    return this;
  }

  /** The scope's version; empty, never null, when unset. */
  public String version() {
    return version;
  }

  /** Sets the scope version; null is stored as the empty string. */
  public InstrumentationScope setVersion(String version) {
    this.version = version == null ? "" : version;
    return this;
  }

  /** The scope attributes, live: changes change the scope. Never null. */
  public Attributes attributes() {
    return attributes;
  }

  /** How many scope attributes the source dropped before they arrived; 0 when none. */
  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  /** Sets the count of scope attributes dropped before they arrived. */
  public InstrumentationScope setDroppedAttributesCount(int n) {
    this.droppedAttributesCount = n;
    return this;
  }

  /** A deep copy, attributes included. */
  public InstrumentationScope copy() {
    return new InstrumentationScope(attributes.copy())
        .setName(name)
        .setVersion(version)
        .setDroppedAttributesCount(droppedAttributesCount);
  }
}
