package io.stacklens.agent.data;

/** The entity producing telemetry (OTLP {@code Resource}): a service, a host, a pod. */
public final class Resource {
  private final Attributes attributes;
  private int droppedAttributesCount;

  /** A resource with a new empty attribute list. */
  public Resource() {
    this(new Attributes());
  }

  /** A resource using {@code attributes} as is (not copied). */
  public Resource(Attributes attributes) {
    this.attributes = attributes;
  }

  /**
   * The resource attributes (e.g. {@code service.name}), live: changes change the resource. Never
   * null.
   */
  public Attributes attributes() {
    return attributes;
  }

  /** How many resource attributes the source dropped before they arrived; 0 when none. */
  public int droppedAttributesCount() {
    return droppedAttributesCount;
  }

  /** Sets the count of resource attributes dropped before they arrived. */
  public Resource setDroppedAttributesCount(int n) {
    this.droppedAttributesCount = n;
    return this;
  }

  /** A deep copy, attributes included. */
  public Resource copy() {
    return new Resource(attributes.copy()).setDroppedAttributesCount(droppedAttributesCount);
  }
}
