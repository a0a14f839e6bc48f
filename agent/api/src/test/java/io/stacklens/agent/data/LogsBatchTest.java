package io.stacklens.agent.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogsBatchTest {
  private static LogsBatch twoResourcesTwoScopes() {
    LogsBatch batch = new LogsBatch();
    for (String service : List.of("a", "b")) {
      ResourceLogs rl =
          new ResourceLogs(new Resource(Attributes.of("service.name", service)), new ArrayList<>())
              .setSchemaUrl("https://schema/" + service);
      for (String scope : List.of("x", "y")) {
        ScopeLogs sl =
            new ScopeLogs(new InstrumentationScope().setName(scope), new ArrayList<>())
                .setSchemaUrl("https://scope/" + scope);
        for (int i = 0; i < 2; i++) {
          sl.logRecords().add(new LogRecord().setBody(service + scope + i));
        }
        rl.scopeLogs().add(sl);
      }
      batch.resourceLogs().add(rl);
    }
    return batch;
  }

  @Test
  void selectRecordsKeepsOrderAndGroupingAndSharesWhatItKeeps() {
    LogsBatch batch = twoResourcesTwoScopes();
    LogsBatch selected =
        batch.selectRecords(
            (rl, sl, r) -> List.of("ax1", "ay0", "by1").contains(String.valueOf(r.body())));

    List<String> bodies = new ArrayList<>();
    selected.forEachRecord(r -> bodies.add(String.valueOf(r.body())));
    assertThat(bodies).containsExactly("ax1", "ay0", "by1");
    assertThat(selected.resourceLogs()).hasSize(2);
    assertThat(selected.resourceLogs().get(0).scopeLogs()).hasSize(2);
    assertThat(selected.resourceLogs().get(1).scopeLogs())
        .as("a scope without a kept record is left out")
        .hasSize(1);

    ResourceLogs first = selected.resourceLogs().get(0);
    assertThat(first.resource()).isSameAs(batch.resourceLogs().get(0).resource());
    assertThat(first.schemaUrl()).isEqualTo("https://schema/a");
    ScopeLogs y = selected.resourceLogs().get(1).scopeLogs().get(0);
    assertThat(y.scope()).isSameAs(batch.resourceLogs().get(1).scopeLogs().get(1).scope());
    assertThat(y.schemaUrl()).isEqualTo("https://scope/y");
    assertThat(y.logRecords().get(0))
        .isSameAs(batch.resourceLogs().get(1).scopeLogs().get(1).logRecords().get(1));
    assertThat(batch.recordCount()).as("the batch itself is unchanged").isEqualTo(8);
  }

  @Test
  void selectingNothingGivesAnEmptyBatch() {
    assertThat(twoResourcesTwoScopes().selectRecords((rl, sl, r) -> false).resourceLogs())
        .isEmpty();
  }
}
