package io.stacklens.agent.api;

/**
 * Accepts telemetry from outside and hands it to its consumers. One instance per configured
 * receiver id, shared by every pipeline that names it.
 */
public interface Receiver extends Component {}
