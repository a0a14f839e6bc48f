package io.stacklens.agent.data;

/** The entity producing telemetry (OTLP {@code Resource}): a service, a host, a pod. */
public final class Resource {
  private final Attributes attributes;
  private int droppedAttributesCount;

  public Resource() {
    this(new Attributes());
  }

  public Resource(Attributes attributes) {
    this.attributes = attributes;
  }

  public Attributes attributes() {
    return attributes;
  }

  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  public Resource setDroppedAttributesCount(int n) {
    this.droppedAttributesCount = n;
    return this;
  }

  public Resource copy() {
    return new Resource(attributes.copy()).setDroppedAttributesCount(droppedAttributesCount);
  }
}
