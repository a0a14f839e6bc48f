/**
 * The condition language and field paths shared by the processors (docs/conditions.md): parsing
 * with the column of each mistake, type checks at config time, and compiled conditions evaluated on
 * a record without allocation on the common paths.
 */
package io.stacklens.agent.expr;
