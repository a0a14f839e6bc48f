/**
 * Request limits checked while decoding ({@code receivers.<id>.limits}, docs/limits.md): the {@link
 * io.stacklens.agent.limits.DecodeBudget} a decoder charges as it reads, and the two ways a limit
 * ends: a whole request refused ({@link io.stacklens.agent.limits.DecodeLimitException}) or one
 * record rejected ({@link io.stacklens.agent.limits.RecordLimitException}).
 */
package io.stacklens.agent.limits;
