package io.stacklens.agent.data;

/** The library that produced the records (OTLP {@code InstrumentationScope}). */
public final class InstrumentationScope {
  private String name = "";
  private String version = "";
  private final Attributes attributes;
  private int droppedAttributesCount;

  public InstrumentationScope() {
    this(new Attributes());
  }

  public InstrumentationScope(Attributes attributes) {
    this.attributes = attributes;
  }

  public String name() {
    return name;
  }

  public InstrumentationScope setName(String name) {
    this.name = name == null ? "" : name;
    return this;
  }

  public String version() {
    return version;
  }

  public InstrumentationScope setVersion(String version) {
    this.version = version == null ? "" : version;
    return this;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public InstrumentationScope setDroppedAttributesCount(int n) {
    this.droppedAttributesCount = n;
    return this;
  }

  public InstrumentationScope copy() {
    return new InstrumentationScope(attributes.copy())
        .setName(name)
        .setVersion(version)
        .setDroppedAttributesCount(droppedAttributesCount);
  }
}
