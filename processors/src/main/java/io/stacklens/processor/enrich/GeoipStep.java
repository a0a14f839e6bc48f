package io.stacklens.processor.enrich;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.model.AsnResponse;
import com.maxmind.geoip2.model.CityResponse;
import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.expr.FieldPath;
import io.stacklens.agent.expr.LogContext;
import io.stacklens.processor.enrich.EnrichProcessorConfig.GeoipSettings;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code geoip} step: reads an IP address from a field and adds country, city, location and AS
 * attributes from MaxMind City and ASN databases (memory-mapped, looked up on the worker: a lookup
 * takes microseconds). Answers per address are kept in a small LRU map owned by the worker.
 */
final class GeoipStep implements AutoCloseable {
  final String name;
  private final FieldPath field;
  private final DatabaseReader city;
  private final DatabaseReader asn;
  private final SourceMetrics metrics;
  private final Map<String, Outcome> recent;
  private final String countryKey;
  private final String cityKey;
  private final String latKey;
  private final String lonKey;
  private final String asNumberKey;
  private final String asOrgKey;

  private static final Outcome PRIVATE = Outcome.notFound("private_address");
  private static final Outcome INVALID = Outcome.notFound("invalid_address");
  private static final Outcome UNKNOWN = Outcome.notFound("not_found");

  /**
   * Opens the databases; throws IllegalArgumentException naming the setting when one cannot be
   * used.
   */
  GeoipStep(GeoipSettings s, SourceMetrics metrics) {
    this.name = s.name;
    this.field = io.stacklens.agent.expr.Conditions.fieldValidated(s.field);
    this.metrics = metrics;
    DatabaseReader c = null;
    DatabaseReader a = null;
    try {
      if (s.cityDatabase != null && !s.cityDatabase.isBlank())
        c = open("geoip.city_database", s.cityDatabase, "City");
      if (s.asnDatabase != null && !s.asnDatabase.isBlank())
        a = open("geoip.asn_database", s.asnDatabase, "ASN");
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
    this.city = c;
    this.asn = a;
    int max = s.cacheSize;
    this.recent =
        max == 0
            ? null
            : new LinkedHashMap<>(Math.min(max, 1024) * 2, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Outcome> eldest) {
                return size() > max;
              }
            };
    String p = s.prefix == null ? "" : s.prefix;
    countryKey = p + "geo.country.iso_code";
    cityKey = p + "geo.city.name";
    latKey = p + "geo.location.lat";
    lonKey = p + "geo.location.lon";
    asNumberKey = p + "as.number";
    asOrgKey = p + "as.organization";
  }

  private static DatabaseReader open(String setting, String path, String wantedType) {
    Path file = Path.of(path);
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(setting + ": database file '" + path + "' does not exist");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException(
          setting + ": database file '" + path + "' is not a readable file");
    }
    DatabaseReader reader;
    try {
      reader = new DatabaseReader.Builder(new File(path)).withCache(new CHMCache()).build();
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          setting + ": '" + path + "' is not a MaxMind database (.mmdb): " + e.getMessage(), e);
    }
    String type = reader.metadata().databaseType();
    if (type == null
        || !type.toLowerCase(Locale.ROOT).contains(wantedType.toLowerCase(Locale.ROOT))) {
      closeQuietly(reader);
      throw new IllegalArgumentException(
          setting
              + ": '"
              + path
              + "' is a "
              + type
              + " database, expected "
              + (wantedType.equals("ASN") ? "an " : "a ")
              + wantedType
              + " database (e.g. GeoLite2-"
              + wantedType
              + ".mmdb)");
    }
    return reader;
  }

  /**
   * Enriches the record in {@code ctx}; returns its outcome (null when the record has no address).
   */
  Outcome apply(LogContext ctx) {
    Object v = field.get(ctx);
    if (v == null) return null;
    Outcome o;
    if (!(v instanceof String ip)) {
      o = INVALID;
    } else if (recent != null && (o = recent.get(ip)) != null) {
      metrics.cacheHits.inc();
    } else {
      if (recent != null) metrics.cacheMisses.inc();
      o = look(ip);
      if (recent != null && !o.isError()) recent.put(ip, o);
    }
    switch (o.kind) {
      case FOUND -> o.applyTo(ctx.record().attributes());
      case NOT_FOUND -> metrics.notFound(o.reasonLabel);
      case ERROR -> metrics.error(o.reasonLabel);
    }
    return o;
  }

  private Outcome look(String text) {
    InetAddress address = IpAddresses.parse(text.trim());
    if (address == null) return INVALID;
    if (IpAddresses.isPrivate(address)) return PRIVATE;
    long start = System.nanoTime();
    metrics.lookups.inc();
    try {
      Attributes out = new Attributes(6);
      if (city != null) {
        Optional<CityResponse> r = city.tryCity(address);
        if (r.isPresent()) {
          CityResponse cr = r.get();
          if (cr.country() != null && cr.country().isoCode() != null)
            out.put(countryKey, cr.country().isoCode());
          if (cr.city() != null && cr.city().name() != null) out.put(cityKey, cr.city().name());
          if (cr.location() != null
              && cr.location().latitude() != null
              && cr.location().longitude() != null) {
            out.put(latKey, cr.location().latitude());
            out.put(lonKey, cr.location().longitude());
          }
        }
      }
      if (asn != null) {
        Optional<AsnResponse> r = asn.tryAsn(address);
        if (r.isPresent()) {
          if (r.get().autonomousSystemNumber() != null)
            out.put(asNumberKey, r.get().autonomousSystemNumber());
          if (r.get().autonomousSystemOrganization() != null)
            out.put(asOrgKey, r.get().autonomousSystemOrganization());
        }
      }
      return out.isEmpty() ? UNKNOWN : Outcome.found(out);
    } catch (Exception e) {
      return Outcome.error("failed", "lookup failed: " + e.getMessage());
    } finally {
      metrics.latency.recordNanos(System.nanoTime() - start);
    }
  }

  @Override
  public void close() {
    closeQuietly(city);
    closeQuietly(asn);
  }

  private static void closeQuietly(DatabaseReader r) {
    if (r == null) return;
    try {
      r.close();
    } catch (IOException e) {
      // nothing to do: the reader is gone either way
    }
  }
}
