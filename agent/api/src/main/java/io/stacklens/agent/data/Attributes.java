package io.stacklens.agent.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Ordered, mutable key/value list (OTLP {@code repeated KeyValue} / {@code KeyValueList}) kept as
 * two compact parallel arrays: no per-entry objects, cheap iteration and copy.
 *
 * <p>Values are the OTLP {@code AnyValue} kinds as plain Java objects: {@link String}, {@link
 * Long}, {@link Double}, {@link Boolean}, {@code byte[]}, {@link List}{@code <Object>} (array
 * value), {@link Attributes} (kvlist value) or {@code null} (empty value). See {@link AnyValues}.
 *
 * <p>Lookup is a linear scan: OTLP attribute lists are short, and a scan over a few keys beats a
 * hash table. Two things keep it cheap when processors add many fields: a 64-bit mask of the keys'
 * hashes (built on the first lookup, so decoders that only append never hash) answers most misses
 * without a scan, and the scan compares the keys' cached {@link String#hashCode} before {@code
 * equals}. Keys are unique: {@link #put} replaces an existing key.
 */
public final class Attributes {
  private static final String[] NO_KEYS = new String[0];
  private static final Object[] NO_VALUES = new Object[0];

  private String[] keys;
  private Object[] values;
  private int size;

  /**
   * Two bits per key hash ({@link #hashBits}); may hold bits of removed keys. Valid when {@link
   * #maskBuilt}.
   */
  private long keyMask;

  private boolean maskBuilt;

  /** An empty list that allocates its arrays on the first entry. */
  public Attributes() {
    keys = NO_KEYS;
    values = NO_VALUES;
  }

  /** An empty list with room for {@code expectedSize} entries before it has to grow. */
  public Attributes(int expectedSize) {
    keys = expectedSize == 0 ? NO_KEYS : new String[expectedSize];
    values = expectedSize == 0 ? NO_VALUES : new Object[expectedSize];
  }

  /**
   * A list of the given pairs, in order: {@code of("k1", v1, "k2", v2)}. Keys must be non-null
   * strings; a repeated key keeps its last value. Throws {@link IllegalArgumentException} for an
   * odd number of arguments.
   */
  public static Attributes of(Object... keyValues) {
    if (keyValues.length % 2 != 0) throw new IllegalArgumentException("key/value pairs expected");
    Attributes a = new Attributes(keyValues.length / 2);
    for (int i = 0; i < keyValues.length; i += 2) {
      a.put((String) keyValues[i], keyValues[i + 1]);
    }
    return a;
  }

  /** Number of entries. */
  public int size() {
    return size;
  }

  /** Whether there are no entries. */
  public boolean isEmpty() {
    return size == 0;
  }

  /**
   * The key at {@code index} (0 to {@link #size()} - 1, in insertion order); throws {@link
   * IndexOutOfBoundsException} otherwise.
   */
  public String key(int index) {
    Objects.checkIndex(index, size);
    return keys[index];
  }

  /**
   * The value at {@code index} (0 to {@link #size()} - 1, in insertion order); throws {@link
   * IndexOutOfBoundsException} otherwise.
   */
  public Object value(int index) {
    Objects.checkIndex(index, size);
    return values[index];
  }

  /** Index of {@code key}, or -1. */
  public int indexOf(String key) {
    int hash = key.hashCode();
    long bits = hashBits(hash);
    if (!maskBuilt) buildMask();
    if ((keyMask & bits) != bits) return -1;
    for (int i = 0; i < size; i++) {
      String k = keys[i];
      @SuppressWarnings(
          "ReferenceEquality") // an interned key (the common case) matches without equals
      boolean same = k == key;
      if (same || (k.hashCode() == hash && k.equals(key))) return i;
    }
    return -1;
  }

  private static long hashBits(int hash) {
    return (1L << hash) | (1L << (hash >>> 26)); // shifts use the low six bits: bits 0-5 and 26-31
  }

  private void buildMask() {
    long mask = 0;
    for (int i = 0; i < size; i++) mask |= hashBits(keys[i].hashCode());
    keyMask = mask;
    maskBuilt = true;
  }

  /** Whether {@code key} is present, even with a null (empty) value. */
  public boolean contains(String key) {
    return indexOf(key) >= 0;
  }

  /**
   * The value of {@code key}, or null when absent (or present with an empty value: see {@link
   * #contains}).
   */
  public Object get(String key) {
    int i = indexOf(key);
    return i < 0 ? null : values[i];
  }

  /** Sets {@code key}, replacing its value if present, else appending. */
  public Attributes put(String key, Object value) {
    Objects.requireNonNull(key, "key");
    int i = indexOf(key);
    if (i >= 0) {
      values[i] = value;
    } else {
      append(key, value);
    }
    return this;
  }

  /** Puts every entry of {@code other} (in its order), making room for all of them first. */
  public Attributes putAll(Attributes other) {
    ensureCapacity(size + other.size);
    if (size == 0) { // other's keys are unique already
      System.arraycopy(other.keys, 0, keys, 0, other.size);
      System.arraycopy(other.values, 0, values, 0, other.size);
      size = other.size;
      keyMask = other.keyMask;
      maskBuilt = other.maskBuilt;
      return this;
    }
    for (int i = 0; i < other.size; i++) put(other.keys[i], other.values[i]);
    return this;
  }

  /** Makes room for {@code capacity} entries, so that many can be added without growing again. */
  public void ensureCapacity(int capacity) {
    if (capacity > keys.length) {
      keys = Arrays.copyOf(keys, capacity);
      values = Arrays.copyOf(values, capacity);
    }
  }

  /**
   * Appends without checking for an existing key. For decoders filling a fresh list from a source
   * whose keys are already unique; a duplicate key in the source keeps the first on lookup.
   */
  public void append(String key, Object value) {
    if (size == keys.length) grow();
    keys[size] = key;
    values[size] = value;
    size++;
    if (maskBuilt) keyMask |= hashBits(key.hashCode());
  }

  /**
   * Removes {@code key}, keeping the order of the others; returns its value, or null when absent.
   */
  public Object remove(String key) {
    int i = indexOf(key);
    if (i < 0) return null;
    Object old = values[i];
    int tail = size - i - 1;
    System.arraycopy(keys, i + 1, keys, i, tail);
    System.arraycopy(values, i + 1, values, i, tail);
    size--;
    keys[size] = null;
    values[size] = null;
    return old;
  }

  /** Removes every entry, keeping the allocated capacity. */
  public void clear() {
    Arrays.fill(keys, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    keyMask = 0;
    maskBuilt = true;
  }

  /**
   * Calls {@code action} with each key and value, in order. {@code action} must not change this
   * list.
   */
  public void forEach(BiConsumer<String, Object> action) {
    for (int i = 0; i < size; i++) action.accept(keys[i], values[i]);
  }

  /**
   * Deep copy: nested lists and kvlists are copied, strings and byte arrays shared (never mutated
   * in place).
   */
  public Attributes copy() {
    Attributes c = new Attributes(size);
    for (int i = 0; i < size; i++) {
      c.keys[i] = keys[i];
      c.values[i] = AnyValues.deepCopy(values[i]);
    }
    c.size = size;
    c.keyMask = keyMask;
    c.maskBuilt = maskBuilt;
    return c;
  }

  private void grow() {
    ensureCapacity(Math.max(8, keys.length * 2));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Attributes other) || other.size != size) return false;
    for (int i = 0; i < size; i++) {
      if (!keys[i].equals(other.keys[i]) || !AnyValues.equal(values[i], other.values[i]))
        return false;
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (int i = 0; i < size; i++) h = 31 * h + keys[i].hashCode();
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < size; i++) {
      if (i > 0) sb.append(", ");
      sb.append(keys[i]).append('=').append(AnyValues.toDisplayString(values[i]));
    }
    return sb.append('}').toString();
  }

  /** Builds a list value ({@code ArrayValue}) from values. */
  public static List<Object> listOf(Object... values) {
    return new ArrayList<>(Arrays.asList(values));
  }
}
