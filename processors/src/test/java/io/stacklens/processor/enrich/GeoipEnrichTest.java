package io.stacklens.processor.enrich;

import static io.stacklens.processor.enrich.Fixtures.ASN_DB;
import static io.stacklens.processor.enrich.Fixtures.CITY_DB;
import static io.stacklens.processor.enrich.Fixtures.batchWith;
import static io.stacklens.processor.enrich.Fixtures.counter;
import static io.stacklens.processor.enrich.Fixtures.only;
import static io.stacklens.processor.enrich.Fixtures.records;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The geoip step against MaxMind's test databases in testdata/geoip. */
class GeoipEnrichTest {
  private final MetricsRegistry metrics = new MetricsRegistry();
  private EnrichProcessor processor;
  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    if (processor != null) processor.shutdown(Instant.now().plusSeconds(1));
  }

  private EnrichProcessorConfig config(String city, String asn) {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.geoip = new EnrichProcessorConfig.GeoipSettings();
    c.geoip.cityDatabase = city;
    c.geoip.asnDatabase = asn;
    return c;
  }

  private EnrichProcessor start(EnrichProcessorConfig c) {
    processor = Fixtures.processor(c, metrics);
    return processor;
  }

  @Test
  void addsCountryCityLocationAndAsn() {
    LogsBatch b = batchWith("client.ip", "81.2.69.142", "1.128.0.1", "2001:218::1");
    start(config(CITY_DB, ASN_DB)).process(b);
    List<LogRecord> r = records(b);

    Attributes london = r.get(0).attributes();
    assertThat(london.get("geo.country.iso_code")).isEqualTo("GB");
    assertThat(london.get("geo.city.name")).isEqualTo("London");
    assertThat((Double) london.get("geo.location.lat")).isCloseTo(51.5142, within(0.01));
    assertThat((Double) london.get("geo.location.lon")).isCloseTo(-0.0931, within(0.01));
    assertThat(london.contains("as.number")).isFalse();
    assertThat(london.get(EnrichProcessor.SOURCES)).isEqualTo(List.of("geoip"));

    Attributes telstra = r.get(1).attributes();
    assertThat(telstra.get("as.number")).isEqualTo(1221L);
    assertThat(telstra.get("as.organization")).isEqualTo("Telstra Pty Ltd");
    assertThat(telstra.contains("geo.city.name")).isFalse();
    assertThat(telstra.get(EnrichProcessor.SOURCES)).isEqualTo(List.of("geoip"));

    assertThat(r.get(2).attributes().get("geo.country.iso_code")).as("IPv6").isEqualTo("JP");
    assertThat(counter(metrics, SourceMetrics.LOOKUPS, "geoip")).isEqualTo(3);
  }

  @Test
  void unknownPrivateLoopbackAndInvalidAddressesAddNothingAndCountAsMisses() {
    LogsBatch b =
        batchWith(
            "client.ip",
            "8.8.8.8",
            "10.0.0.1",
            "127.0.0.1",
            "192.168.1.20",
            "::1",
            "fd00::1",
            "not-an-ip",
            "999.1.1.1",
            "01.2.3.4",
            "localhost",
            "");
    start(config(CITY_DB, ASN_DB)).process(b);
    for (LogRecord r : records(b)) {
      assertThat(r.attributes().size()).as("%s", r.attributes()).isEqualTo(1);
    }
    assertThat(counter(metrics, SourceMetrics.NOT_FOUND, "geoip", "not_found")).isEqualTo(1);
    assertThat(counter(metrics, SourceMetrics.NOT_FOUND, "geoip", "private_address")).isEqualTo(5);
    assertThat(counter(metrics, SourceMetrics.NOT_FOUND, "geoip", "invalid_address")).isEqualTo(5);
    assertThat(counter(metrics, SourceMetrics.ERRORS, "geoip")).isZero();
    assertThat(counter(metrics, SourceMetrics.LOOKUPS, "geoip"))
        .as("only 8.8.8.8 reached the databases")
        .isEqualTo(1);
  }

  @Test
  void readsTheConfiguredFieldAndPrefixesTheAttributes() {
    EnrichProcessorConfig c = config(CITY_DB, null);
    c.geoip.field = "source_ip";
    c.geoip.prefix = "source.";
    c.geoip.name = "geo";
    LogsBatch b =
        Fixtures.batch(
            Attributes.of("source_ip", "81.2.69.142", "client.ip", "1.128.0.1"),
            Attributes.of("other", "x"));
    start(c).process(b);
    Attributes a = records(b).get(0).attributes();
    assertThat(a.get("source.geo.city.name")).isEqualTo("London");
    assertThat(a.contains("geo.city.name")).isFalse();
    assertThat(a.get(EnrichProcessor.SOURCES)).isEqualTo(List.of("geo"));
    assertThat(records(b).get(1).attributes().size()).as("no address, nothing added").isEqualTo(1);
  }

  @Test
  void anIpInTheBodyMapWorksToo() {
    EnrichProcessorConfig c = config(CITY_DB, null);
    c.geoip.field = "body[\"client\"][\"ip\"]";
    LogsBatch b = Fixtures.batch(new Attributes());
    only(b).setBody(Attributes.of("client", Attributes.of("ip", "89.160.20.112")));
    start(c).process(b);
    assertThat(only(b).attributes().get("geo.country.iso_code")).isEqualTo("SE");
  }

  @Test
  void repeatedAddressesAreAnsweredFromTheWorkersCache() {
    LogsBatch b =
        batchWith("client.ip", "81.2.69.142", "81.2.69.142", "81.2.69.142", "8.8.8.8", "8.8.8.8");
    start(config(CITY_DB, ASN_DB)).process(b);
    assertThat(counter(metrics, SourceMetrics.LOOKUPS, "geoip")).isEqualTo(2);
    assertThat(counter(metrics, SourceMetrics.CACHE_HITS, "geoip")).isEqualTo(3);
    assertThat(counter(metrics, SourceMetrics.NOT_FOUND, "geoip", "not_found"))
        .as("every record counts")
        .isEqualTo(2);
    assertThat(records(b).get(2).attributes().get("geo.city.name")).isEqualTo("London");

    EnrichProcessorConfig noCache = config(CITY_DB, ASN_DB);
    noCache.geoip.cacheSize = 0;
    MetricsRegistry m2 = new MetricsRegistry();
    EnrichProcessor p2 = Fixtures.processor(noCache, m2);
    p2.process(batchWith("client.ip", "81.2.69.142", "81.2.69.142"));
    assertThat(counter(m2, SourceMetrics.LOOKUPS, "geoip")).isEqualTo(2);
    p2.shutdown(Instant.now());
  }

  @Test
  void aRecordsMutatedListValuesAreNotSharedAcrossRecords() {
    LogsBatch b = batchWith("client.ip", "81.2.69.142", "81.2.69.142");
    start(config(CITY_DB, null)).process(b);
    @SuppressWarnings("unchecked")
    List<Object> first = (List<Object>) records(b).get(0).attributes().get(EnrichProcessor.SOURCES);
    first.add("changed");
    assertThat(records(b).get(1).attributes().get(EnrichProcessor.SOURCES))
        .isEqualTo(List.of("geoip"));
  }

  @Test
  void aMissingDatabaseIsAClearErrorAtStart() {
    String missing = dir.resolve("nope.mmdb").toString();
    assertThatThrownBy(() -> Fixtures.processor(config(missing, null), metrics))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("geoip.city_database: database file '" + missing + "' does not exist");
  }

  @Test
  void aFileThatIsNotADatabaseIsAClearError() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.mmdb"), "this is not a maxmind database");
    assertThatThrownBy(() -> Fixtures.processor(config(null, junk.toString()), metrics))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "geoip.asn_database: '" + junk + "' is not a MaxMind database (.mmdb): ");
    assertThatThrownBy(() -> Fixtures.processor(config(dir.toString(), null), metrics))
        .hasMessage("geoip.city_database: database file '" + dir + "' is not a readable file");
  }

  @Test
  void theWrongKindOfDatabaseIsAClearError() {
    assertThatThrownBy(() -> Fixtures.processor(config(ASN_DB, null), metrics))
        .hasMessage(
            "geoip.city_database: '"
                + ASN_DB
                + "' is a GeoLite2-ASN database, expected a City database (e.g. GeoLite2-City.mmdb)");
    assertThatThrownBy(() -> Fixtures.processor(config(CITY_DB, CITY_DB), metrics))
        .hasMessageStartingWith(
            "geoip.asn_database: '"
                + CITY_DB
                + "' is a GeoLite2-City database, expected an ASN database");
  }
}
