package dev.writ.state;

import dev.writ.core.SpiffeId;
import dev.writ.core.WritId;

/**
 * An enrollment an initiator opened (docs/spec/enrollment.md section 3.1): the writ id the server
 * drew, the node it is for, and when it lapses (Unix seconds, log time). Immutable.
 */
public record PendingEnrollment(WritId id, SpiffeId node, long expires) {}
