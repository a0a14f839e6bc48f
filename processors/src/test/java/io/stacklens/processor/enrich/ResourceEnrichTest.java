package io.stacklens.processor.enrich;

import static org.assertj.core.api.Assertions.assertThat;

import io.stacklens.agent.data.Attributes;
import io.stacklens.agent.data.LogRecord;
import io.stacklens.agent.data.LogsBatch;
import io.stacklens.agent.data.ResourceLogs;
import io.stacklens.agent.data.ScopeLogs;
import io.stacklens.agent.telemetry.MetricsRegistry;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resource step: detection from this host and the environment, static attributes, override. */
class ResourceEnrichTest {
  private final MetricsRegistry metrics = new MetricsRegistry();

  private static EnrichProcessorConfig config() {
    EnrichProcessorConfig c = new EnrichProcessorConfig();
    c.resource = new EnrichProcessorConfig.ResourceSettings();
    return c;
  }

  @Test
  void detectsThisHostAndTheEnvironment() throws Exception {
    EnrichProcessor p = Fixtures.processor(config(), metrics);
    LogsBatch b = Fixtures.batch(new Attributes());
    p.process(b);
    Attributes res = b.resourceLogs().get(0).resource().attributes();
    assertThat(res.get("host.name")).isEqualTo(InetAddress.getLocalHost().getHostName());
    assertThat(res.get("os.type")).isEqualTo(ResourceStep.osType(System.getProperty("os.name")));
    assertThat(res.get("process.pid")).isEqualTo(ProcessHandle.current().pid());
    assertThat(res.get("deployment.environment"))
        .as("from DEPLOYMENT_ENVIRONMENT")
        .isEqualTo("staging");
    assertThat(res.get("service.name")).isEqualTo("checkout");
    if (res.contains("host.ip")) {
      assertThat((List<?>) res.get("host.ip"))
          .isNotEmpty()
          .allSatisfy(ip -> assertThat(IpAddresses.parse((String) ip)).isNotNull());
    }
    assertThat(Fixtures.only(b).attributes().get(EnrichProcessor.SOURCES))
        .isEqualTo(List.of("resource"));
    p.shutdown(Instant.now());
  }

  @Test
  void osTypeFollowsTheOpenTelemetryValues() {
    assertThat(ResourceStep.osType("Linux")).isEqualTo("linux");
    assertThat(ResourceStep.osType("Windows Server 2022")).isEqualTo("windows");
    assertThat(ResourceStep.osType("Mac OS X")).isEqualTo("darwin");
    assertThat(ResourceStep.osType("FreeBSD")).isEqualTo("freebsd");
    assertThat(ResourceStep.osType("SunOS")).isEqualTo("solaris");
    assertThat(ResourceStep.osType("z/OS")).isEqualTo("z_os");
    assertThat(ResourceStep.osType("Plan 9")).isEqualTo("plan_9");
  }

  @Test
  void detectsOnlyWhatIsListedAndLeavesOutWhatIsUnset() {
    EnrichProcessorConfig.ResourceSettings s = new EnrichProcessorConfig.ResourceSettings();
    s.detect = List.of("os.type", "deployment.environment");
    s.environmentVariable = "APP_ENV";
    ResourceStep unset = new ResourceStep(s, Map.<String, String>of()::get);
    assertThat(unset.attributes().size()).isEqualTo(1);
    assertThat(unset.attributes().contains("os.type")).isTrue();
    ResourceStep set = new ResourceStep(s, Map.of("APP_ENV", " prod ")::get);
    assertThat(set.attributes().get("deployment.environment")).isEqualTo("prod");
  }

  @Test
  void staticAttributesWinOverDetectedOnes() {
    EnrichProcessorConfig c = config();
    c.resource.detect = List.of("host.name", "os.type");
    c.resource.attributes = Map.of("host.name", "web-7", "team", "payments");
    EnrichProcessor p = Fixtures.processor(c, metrics);
    LogsBatch b = Fixtures.batch(new Attributes());
    p.process(b);
    Attributes res = b.resourceLogs().get(0).resource().attributes();
    assertThat(res.get("host.name")).isEqualTo("web-7");
    assertThat(res.get("team")).isEqualTo("payments");
    assertThat(res.contains("process.pid")).isFalse();
    p.shutdown(Instant.now());
  }

  @Test
  void withoutOverrideWhatTheApplicationSentIsKept() {
    EnrichProcessorConfig c = config();
    c.resource.detect = List.of();
    c.resource.attributes = Map.of("service.name", "from-config", "team", "payments");
    EnrichProcessor p = Fixtures.processor(c, metrics);
    LogsBatch b = Fixtures.batch(new Attributes());
    p.process(b);
    Attributes res = b.resourceLogs().get(0).resource().attributes();
    assertThat(res.get("service.name")).isEqualTo("checkout");
    assertThat(res.get("team")).isEqualTo("payments");
    p.shutdown(Instant.now());
  }

  @Test
  void withOverrideConfigWins() {
    EnrichProcessorConfig c = config();
    c.resource.detect = List.of();
    c.resource.attributes = Map.of("service.name", "from-config");
    c.resource.override = true;
    EnrichProcessor p = Fixtures.processor(c, metrics);
    LogsBatch b = Fixtures.batch(new Attributes());
    p.process(b);
    assertThat(b.resourceLogs().get(0).resource().attributes().get("service.name"))
        .isEqualTo("from-config");
    p.shutdown(Instant.now());
  }

  @Test
  void provenanceOnlyWhereTheResourceChangedAndListsAreNotShared() {
    EnrichProcessorConfig c = config();
    c.resource.detect = List.of();
    c.resource.attributes = Map.of("team", "payments");
    EnrichProcessor p = Fixtures.processor(c, metrics);
    LogsBatch b = new LogsBatch();
    for (String team : new String[] {null, "search"}) {
      ResourceLogs rl = new ResourceLogs();
      if (team != null) rl.resource().attributes().put("team", team);
      ScopeLogs sl = new ScopeLogs();
      sl.logRecords().add(new LogRecord());
      rl.scopeLogs().add(sl);
      b.resourceLogs().add(rl);
    }
    p.process(b);
    List<LogRecord> r = Fixtures.records(b);
    assertThat(r.get(0).attributes().get(EnrichProcessor.SOURCES)).isEqualTo(List.of("resource"));
    assertThat(r.get(1).attributes().contains(EnrichProcessor.SOURCES))
        .as("nothing added to that resource")
        .isFalse();
    assertThat(b.resourceLogs().get(1).resource().attributes().get("team")).isEqualTo("search");
    p.shutdown(Instant.now());
  }
}
