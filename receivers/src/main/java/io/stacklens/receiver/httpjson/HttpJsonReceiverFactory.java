package io.stacklens.receiver.httpjson;

import io.stacklens.agent.api.ComponentContext;
import io.stacklens.agent.api.Consumer;
import io.stacklens.agent.api.Receiver;
import io.stacklens.agent.api.ReceiverFactory;
import io.stacklens.agent.api.Signal;
import io.stacklens.agent.api.Stability;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** Factory of the {@code http_json} receiver: JSON / NDJSON log records POSTed over HTTP. */
public final class HttpJsonReceiverFactory implements ReceiverFactory<HttpJsonReceiverConfig> {
  public static final String TYPE = "http_json";

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public Class<HttpJsonReceiverConfig> configClass() {
    return HttpJsonReceiverConfig.class;
  }

  @Override
  public HttpJsonReceiverConfig createDefaultConfig() {
    return new HttpJsonReceiverConfig();
  }

  @Override
  public Stability stability() {
    return Stability.ALPHA;
  }

  @Override
  public Set<Signal> signals() {
    return EnumSet.of(Signal.LOGS);
  }

  @Override
  public String description() {
    return "JSON objects, arrays or NDJSON POSTed over HTTP (8480), mapped to log records";
  }

  @Override
  public Receiver createReceiver(ComponentContext context, HttpJsonReceiverConfig config, Map<Signal, Consumer> consumers) {
    return new HttpJsonReceiver(context, config, consumers.get(Signal.LOGS));
  }
}
