/*
 * demux.h - which protocol a datagram or stream frame speaks.
 *
 * One UDP port carries STUN, TURN ChannelData and Chorus, told apart by the
 * first byte in the style of RFC 7983: 0-3 STUN, 4-15 Chorus, 64-127
 * ChannelData (channel numbers 0x4000-0x7FFF, RFC 5766's range, which
 * clients still use; RFC 8656 narrowed it to 64-79).  Anything else is
 * dropped.
 */
#ifndef CHORUS_DEMUX_H
#define CHORUS_DEMUX_H

#include <stddef.h>
#include <stdint.h>

enum demux_kind {
	DEMUX_UNKNOWN = 0,
	DEMUX_STUN,
	DEMUX_CHANNELDATA,
	DEMUX_CHORUS,
	DEMUX_NKINDS
};

/* Classify by the first byte; an empty datagram is DEMUX_UNKNOWN. */
enum demux_kind	demux_classify(const uint8_t *p, size_t len);
/* "stun", "channeldata", "chorus" or "unknown" (metric labels). */
const char	*demux_kind_name(enum demux_kind);

#endif
