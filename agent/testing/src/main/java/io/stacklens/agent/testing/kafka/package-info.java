/**
 * A real Kafka broker for tests: KRaft mode, run in a child JVM from the Maven Central jars, ready
 * when its admin client answers: one shared by the JVM, or a private one a test stops, kills and
 * restarts.
 */
package io.stacklens.agent.testing.kafka;
