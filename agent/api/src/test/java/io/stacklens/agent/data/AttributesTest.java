package io.stacklens.agent.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AttributesTest {
  @Test
  void putReplacesAnExistingKeyAndAppendsANewOneInOrder() {
    Attributes a = Attributes.of("a", 1L, "b", 2L);
    a.put("a", 10L).put("c", 3L);

    assertThat(keys(a)).containsExactly("a", "b", "c");
    assertThat(a.get("a")).isEqualTo(10L);
    assertThat(a.get("missing")).isNull();
    assertThat(a.contains("missing")).isFalse();
  }

  @Test
  void keysWithTheSameHashCodeAreStillDistinct() {
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    Attributes a = new Attributes();
    a.put("Aa", 1L).put("BB", 2L).put("AaAa", 3L).put("BBBB", 4L);

    assertThat(a.get("Aa")).isEqualTo(1L);
    assertThat(a.get("BB")).isEqualTo(2L);
    assertThat(a.get("AaBB")).isNull();
    assertThat(a.size()).isEqualTo(4);
  }

  @Test
  void equalKeysThatAreDifferentStringInstancesAreFound() {
    Attributes a = new Attributes();
    a.append(new String("service.name"), "web"); // as a decoder appends: never looked up yet
    a.put(new StringBuilder("service").append(".name").toString(), "api");

    assertThat(a.size()).isEqualTo(1);
    assertThat(a.get("service.name")).isEqualTo("api");
  }

  @Test
  void aRemovedKeyIsGoneAndCanBeAddedAgain() {
    Attributes a = Attributes.of("a", 1L, "b", 2L, "c", 3L);
    assertThat(a.remove("b")).isEqualTo(2L);
    assertThat(a.remove("b")).isNull();

    assertThat(a.contains("b")).isFalse();
    assertThat(keys(a)).containsExactly("a", "c");
    a.put("b", 20L);
    assertThat(keys(a)).containsExactly("a", "c", "b");
  }

  @Test
  void clearEmptiesAndTheListIsUsableAgain() {
    Attributes a = Attributes.of("a", 1L, "b", 2L);
    a.clear();

    assertThat(a.isEmpty()).isTrue();
    assertThat(a.get("a")).isNull();
    a.put("a", 5L);
    assertThat(a.get("a")).isEqualTo(5L);
  }

  @Test
  void manyKeysAreAllFoundAndMissesAreMisses() {
    Attributes a = new Attributes();
    for (int i = 0; i < 200; i++) a.put("key." + i, (long) i);
    for (int i = 0; i < 200; i++) a.put("key." + i, (long) i * 2); // replaces, no duplicates

    assertThat(a.size()).isEqualTo(200);
    for (int i = 0; i < 200; i++) assertThat(a.get("key." + i)).isEqualTo((long) i * 2);
    for (int i = 200; i < 400; i++) assertThat(a.contains("key." + i)).isFalse();
  }

  @Test
  void putAllReplacesSharedKeysAndAppendsTheRest() {
    Attributes target = Attributes.of("a", 1L, "b", 2L);
    target.putAll(Attributes.of("b", 20L, "c", 30L));

    assertThat(keys(target)).containsExactly("a", "b", "c");
    assertThat(target.get("b")).isEqualTo(20L);
  }

  @Test
  void putAllIntoAnEmptyListCopiesAndStaysIndependent() {
    Attributes source = Attributes.of("a", 1L, "b", 2L);
    source.get("a"); // the source has looked keys up already
    Attributes target = new Attributes();
    target.putAll(source);
    target.put("c", 3L);
    source.put("d", 4L);

    assertThat(keys(target)).containsExactly("a", "b", "c");
    assertThat(target.get("b")).isEqualTo(2L);
    assertThat(target.contains("d")).isFalse();
    assertThat(keys(source)).containsExactly("a", "b", "d");
  }

  @Test
  void aCopyIsDeepAndLooksUpLikeTheOriginal() {
    Attributes nested = Attributes.of("x", 1L);
    Attributes a = Attributes.of("n", nested, "list", Attributes.listOf(1L, 2L));
    a.get("n");
    Attributes c = a.copy();
    ((Attributes) c.get("n")).put("y", 2L);
    c.put("z", 3L);

    assertThat(nested.contains("y")).isFalse();
    assertThat(a.contains("z")).isFalse();
    assertThat(c.get("list")).isEqualTo(List.of(1L, 2L));
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void ensureCapacityKeepsEntries() {
    Attributes a = Attributes.of("a", 1L);
    a.ensureCapacity(64);
    assertThat(a.get("a")).isEqualTo(1L);
    assertThat(a.size()).isEqualTo(1);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> Attributes.of("a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Attributes().put(null, 1L))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new Attributes().key(0)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static List<String> keys(Attributes a) {
    List<String> keys = new ArrayList<>();
    a.forEach((k, v) -> keys.add(k));
    return keys;
  }
}
