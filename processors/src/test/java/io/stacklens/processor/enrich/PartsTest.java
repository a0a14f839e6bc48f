package io.stacklens.processor.enrich;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stacklens.agent.data.Attributes;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The building blocks with a controlled clock: cache, circuit breaker, IP parsing, JSON mapping.
 */
class PartsTest {
  private final AtomicLong now = new AtomicLong(1_000);

  @Test
  void cacheExpiresFoundAndNotFoundEntriesOnTheirOwnTtlsAndNeverCachesErrors() {
    TtlCache c = new TtlCache(100, 10, 10, now::get);
    Outcome found = Outcome.found(Attributes.of("a", "b"));
    c.put("f", found);
    c.put("n", Outcome.NOT_FOUND);
    c.put("e", Outcome.error("x", "y"));
    assertThat(c.get("f")).isSameAs(found);
    assertThat(c.get("n")).isSameAs(Outcome.NOT_FOUND);
    assertThat(c.get("e")).isNull();
    now.addAndGet(10);
    assertThat(c.get("n")).isNull();
    assertThat(c.get("f")).isSameAs(found);
    now.addAndGet(90);
    assertThat(c.get("f")).isNull();
    assertThat(c.size()).isZero();

    TtlCache noNegative = new TtlCache(100, 0, 10, now::get);
    noNegative.put("n", Outcome.NOT_FOUND);
    assertThat(noNegative.get("n")).isNull();
  }

  @Test
  void cacheEvictsTheLeastRecentlyUsedBeyondItsSize() {
    TtlCache c = new TtlCache(1_000, 1_000, 2, now::get);
    c.put("a", Outcome.NOT_FOUND);
    c.put("b", Outcome.NOT_FOUND);
    c.get("a");
    c.put("c", Outcome.NOT_FOUND);
    assertThat(c.get("b")).isNull();
    assertThat(c.get("a")).isNotNull();
    assertThat(c.get("c")).isNotNull();
    assertThat(c.size()).isEqualTo(2);
  }

  @Test
  void breakerOpensOnlyWithEnoughCallsAndAHighEnoughFailureShare() {
    CircuitBreaker b = new CircuitBreaker(0.5, 4, 4, 100, now::get);
    b.onFailure();
    b.onFailure();
    b.onFailure();
    assertThat(b.state()).as("3 calls < minimum 4").isEqualTo(CircuitBreaker.State.CLOSED);
    b.onSuccess();
    assertThat(b.state()).as("3 of 4 failed").isEqualTo(CircuitBreaker.State.OPEN);

    CircuitBreaker sliding = new CircuitBreaker(0.5, 4, 4, 100, now::get);
    sliding.onFailure();
    for (int i = 0; i < 4; i++) sliding.onSuccess(); // the failure slides out of the window
    sliding.onFailure();
    assertThat(sliding.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    sliding.onFailure();
    assertThat(sliding.state()).as("2 of the last 4").isEqualTo(CircuitBreaker.State.OPEN);
  }

  @Test
  void breakerHalfOpensAfterTheWaitLetsOneProbeAndClosesOrReopens() {
    CircuitBreaker b = new CircuitBreaker(1.0, 1, 1, 100, now::get);
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(b.refusesNow()).isTrue();
    assertThat(b.tryAcquire()).isFalse();
    now.addAndGet(100);
    assertThat(b.refusesNow()).isFalse();
    assertThat(b.tryAcquire()).as("the probe").isTrue();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(b.tryAcquire()).as("one probe at a time").isFalse();
    assertThat(b.refusesNow()).isTrue();
    b.onFailure();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.OPEN);
    now.addAndGet(99);
    assertThat(b.tryAcquire()).as("a new full wait").isFalse();
    now.addAndGet(1);
    assertThat(b.tryAcquire()).isTrue();
    b.onSuccess();
    assertThat(b.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(b.tryAcquire()).isTrue();
  }

  @Test
  void ipLiteralsParseWithoutLookupsAndPrivateRangesAreKnown() {
    assertThat(IpAddresses.parse("81.2.69.142")).isNotNull();
    assertThat(IpAddresses.parse(" 81.2.69.142")).isNull();
    assertThat(IpAddresses.parse("2001:db8::1")).isNotNull();
    assertThat(IpAddresses.parse("::ffff:1.2.3.4")).isNotNull();
    for (String bad :
        new String[] {
          "",
          "1.2.3",
          "1.2.3.4.5",
          "256.1.1.1",
          "1..2.3",
          "1.2.3.",
          "01.1.1.1",
          "example.com",
          "abc",
          "1:2:3:4:5:6:7:8:9",
          "gg::1",
          "1.2.3.4a",
          "fe80::1%eth0"
        }) {
      assertThat(IpAddresses.parse(bad)).as(bad).isNull();
    }
    for (String p :
        new String[] {
          "10.1.2.3",
          "172.16.0.1",
          "172.31.255.255",
          "192.168.0.1",
          "127.0.0.1",
          "169.254.1.1",
          "100.64.0.1",
          "0.0.0.0",
          "224.0.0.1",
          "::1",
          "fe80::1",
          "fc00::1",
          "fd12::1",
          "::"
        }) {
      assertThat(IpAddresses.isPrivate(IpAddresses.parse(p))).as(p).isTrue();
    }
    for (String pub :
        new String[] {"8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:218::1", "81.2.69.142"}) {
      assertThat(IpAddresses.isPrivate(IpAddresses.parse(pub))).as(pub).isFalse();
    }
  }

  @Test
  void jsonMappingFollowsDottedPathsAndRejectsWhatIsNotAnObject() throws Exception {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("a.b.c", "deep");
    fields.put("a.b", "map");
    fields.put("n", "n");
    fields.put("big", "big");
    fields.put("s.missing", "m");
    JsonFields j = new JsonFields(fields, "");
    Attributes out =
        j.map(
            "{\"a\":{\"b\":{\"c\":[1,{\"x\":null}]}},\"n\":-2.5e3,\"big\":123456789012345678901234567890,\"s\":\"str\"}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(out.get("deep")).isEqualTo(List.of(1L, Attributes.of("x", null)));
    assertThat(out.get("map")).isInstanceOf(Attributes.class);
    assertThat(out.get("n")).isEqualTo(-2500.0);
    assertThat(out.get("big")).isEqualTo("123456789012345678901234567890");
    assertThat(out.contains("m")).isFalse();

    JsonFields all = new JsonFields(Map.of(), "p.");
    assertThat(all.map("{\"x\":\"ü\",\"y\":false}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Attributes.of("p.x", "ü", "p.y", false));
    assertThatThrownBy(() -> all.map("\"text\"".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessage(
            "invalid JSON at line 1, column 1 (byte 0): expected a JSON object, got a string");
    assertThatThrownBy(() -> all.map("{} {}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessage(
            "invalid JSON at line 1, column 4 (byte 3): more content (an object) after the end of the object");
    assertThatThrownBy(() -> all.map("{\"a\":".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessageStartingWith(
            "invalid JSON at line 1, column 6 (byte 5): unexpected end of input");
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertThatThrownBy(() -> all.map(deep.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessageEndingWith(": values are nested more than 64 levels deep");
  }
}
