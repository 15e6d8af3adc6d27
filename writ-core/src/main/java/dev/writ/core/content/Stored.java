package dev.writ.core.content;

import dev.writ.core.ContentId;

/**
 * What {@link ContentStore#put} did: the id is now held with bytes that hash to it. Immutable.
 *
 * @param id the content id
 * @param size the length of the bytes in bytes
 * @param created true when this call stored the bytes, false when the store already held them
 *     (checked again before answering)
 */
public record Stored(ContentId id, long size, boolean created) {}
