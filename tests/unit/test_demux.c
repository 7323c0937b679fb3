/*
 * test_demux.c - first-byte classification at every range boundary
 * (RFC 7983 style: 0-3 STUN, 4-15 Chorus, 64-127 ChannelData).
 */
#include <stdint.h>
#include <string.h>

#include "chorus/demux.h"
#include "../tap.h"

static const struct {
	uint8_t		 first;
	enum demux_kind	 want;
} demux_cases[] = {
	{ 0,	DEMUX_STUN },
	{ 3,	DEMUX_STUN },
	{ 4,	DEMUX_CHORUS },
	{ 15,	DEMUX_CHORUS },
	{ 16,	DEMUX_UNKNOWN },
	{ 63,	DEMUX_UNKNOWN },
	{ 64,	DEMUX_CHANNELDATA },
	{ 79,	DEMUX_CHANNELDATA },
	{ 80,	DEMUX_CHANNELDATA },
	{ 127,	DEMUX_CHANNELDATA },
	{ 128,	DEMUX_UNKNOWN },
	{ 255,	DEMUX_UNKNOWN },
};

/* Each boundary byte, alone and followed by more bytes. */
static void
test_boundaries(void)
{
	uint8_t pkt[4];
	size_t i;

	for (i = 0; i < sizeof(demux_cases) / sizeof(demux_cases[0]); i++) {
		memset(pkt, 0x55, sizeof(pkt));
		pkt[0] = demux_cases[i].first;
		tap_is_int(demux_classify(pkt, 1), demux_cases[i].want,
		    demux_kind_name(demux_cases[i].want));
		tap_is_int(demux_classify(pkt, sizeof(pkt)),
		    demux_cases[i].want, "same with a payload after it");
	}
}

/* Empty datagrams, and the kind names used as metric labels. */
static void
test_empty_and_names(void)
{
	uint8_t b = 0;

	tap_is_int(demux_classify(&b, 0), DEMUX_UNKNOWN,
	    "empty datagram is unknown even if the byte is 0");
	tap_is_int(demux_classify(NULL, 0), DEMUX_UNKNOWN,
	    "empty datagram with NULL pointer");
	tap_is_str(demux_kind_name(DEMUX_STUN), "stun", "name stun");
	tap_is_str(demux_kind_name(DEMUX_CHANNELDATA), "channeldata",
	    "name channeldata");
	tap_is_str(demux_kind_name(DEMUX_CHORUS), "chorus", "name chorus");
	tap_is_str(demux_kind_name(DEMUX_UNKNOWN), "unknown", "name unknown");
	tap_is_str(demux_kind_name(DEMUX_NKINDS), "unknown",
	    "out-of-range kind is unknown");
}

int
main(void)
{
	test_boundaries();
	test_empty_and_names();
	return tap_done();
}
