#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0
#
# timeline_flatten.pl < decoded.txt: what a Perfetto trace decoded by
#   protoc --decode=perfetto.protos.Trace trackevent_subset.proto
# says, as JSON lines for jq, the way Perfetto's importer reads it:
#
#   {"kind":"thread","uuid":U,"pid":P,"tid":T,"name":"comm"}
#   {"kind":"process","uuid":U,"pid":P,"name":"comm-pid"}
#   {"kind":"track","uuid":U,"name":"..."}
#   {"kind":"slice","track":U,"name":N,"ts":T,"end":E,"args":{...},
#    "flows":[...],"tflows":[...],"end_flows":[...]}
#   {"kind":"instant","track":U,"name":N,"ts":T,"args":{...},"flows":[...],"tflows":[...]}
#
# Interned names (event names, annotation names) are resolved; a slice is
# its BEGIN and END paired per track.  It dies, saying why, on what
# Perfetto would reject or misread: a field the subset does not define
# (protoc shows its number), a packet with no trusted_packet_sequence_id,
# a first packet without SEQ_INCREMENTAL_STATE_CLEARED, an interned id used
# before it is defined or defined twice, a packet using interned data
# without SEQ_NEEDS_INCREMENTAL_STATE, an END with no open slice, slice
# events of a track going back in time (Perfetto sorts by time: they would
# pair otherwise), a slice left open.
use strict;
use warnings;
use JSON::PP;

my $json = JSON::PP->new->canonical;
my (%ev_name, %ann_name, %stack, %last_ts);
my $npackets = 0;

sub fail { die "timeline_flatten: packet $npackets: @_\n" }

# protoc's text format string: C escapes (octal bytes, \n, \", \\...)
sub unquote {
	my ($s) = @_;
	$s =~ s/^"(.*)"$/$1/s or fail("not a string: $s");
	$s =~ s/\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/
		my $e = $1;
		$e =~ m{^[0-7]} ? chr(oct($e)) :
		$e =~ m{^x} ? chr(hex(substr($e, 1))) :
		$e eq 'n' ? "\n" : $e eq 't' ? "\t" : $e eq 'r' ? "\r" : $e/ge;
	utf8::decode($s);
	return $s;
}

# Parse the text into a tree: a message is a list of [key, value] where a
# value is a scalar string or a message.
sub parse_msg {
	my ($lines) = @_;
	my @m;
	while (defined(my $l = shift @$lines)) {
		$l =~ s/^\s+|\s+$//g;
		next if $l eq '';
		return \@m if $l eq '}';
		if ($l =~ /^(\w+) \{$/) {
			my $k = $1;	# parse_msg() sets $1 again

			fail("field $k: not in the subset") if $k =~ /^\d+$/;
			push @m, [$k, parse_msg($lines)];
		} elsif ($l =~ /^(\w+): (.*)$/) {
			fail("field $1: not in the subset") if $1 =~ /^\d+$/;
			push @m, [$1, $2];
		} else {
			fail("cannot read: $l");
		}
	}
	return \@m;
}

sub all_of { my ($m, $k) = @_; return map { $_->[1] } grep { $_->[0] eq $k } @$m }
sub one_of { my ($m, $k) = @_; my @v = all_of($m, $k); return $v[-1] }

sub intern {
	my ($tab, $what, $e) = @_;
	my ($iid, $name) = (one_of($e, 'iid'), unquote(one_of($e, 'name')));
	fail("$what iid $iid defined twice") if exists $tab->{$iid};
	$tab->{$iid} = $name;
}

sub lookup {
	my ($tab, $what, $iid) = @_;
	fail("$what iid $iid used before it is defined") unless exists $tab->{$iid};
	return $tab->{$iid};
}

sub value {
	my ($a) = @_;
	for my $k (qw(bool_value uint_value int_value double_value string_value pointer_value)) {
		my $v = one_of($a, $k);
		next unless defined $v;
		return $v eq 'true' ? JSON::PP::true : $v eq 'false' ? JSON::PP::false
		     : $k eq 'string_value' ? unquote($v) : $v + 0;
	}
	fail("a debug annotation with no value");
}

sub out { print $json->encode($_[0]), "\n" }

my @lines = <STDIN>;
my $top = parse_msg(\@lines);
for my $p (all_of($top, 'packet')) {
	$npackets++;
	my $flags = one_of($p, 'sequence_flags') // 0;
	my $seq = one_of($p, 'trusted_packet_sequence_id');
	fail("no trusted_packet_sequence_id") unless $seq;
	fail("the first packet does not clear the incremental state")
		if $npackets == 1 && !($flags & 1);
	if (my $in = one_of($p, 'interned_data')) {
		intern(\%ev_name, 'event name', $_) for all_of($in, 'event_names');
		intern(\%ann_name, 'annotation name', $_) for all_of($in, 'debug_annotation_names');
	}
	if (my $d = one_of($p, 'track_descriptor')) {
		my $uuid = one_of($d, 'uuid') + 0;
		if (my $t = one_of($d, 'thread')) {
			out({ kind => 'thread', uuid => $uuid, pid => one_of($t, 'pid') + 0,
			      tid => one_of($t, 'tid') + 0, name => unquote(one_of($t, 'thread_name')) });
		} elsif (my $pr = one_of($d, 'process')) {
			out({ kind => 'process', uuid => $uuid, pid => one_of($pr, 'pid') + 0,
			      name => unquote(one_of($pr, 'process_name')) });
		} else {
			out({ kind => 'track', uuid => $uuid, name => unquote(one_of($d, 'name')) });
		}
	}
	my $e = one_of($p, 'track_event') or next;
	my $ts = one_of($p, 'timestamp');
	fail("a track event with no timestamp") unless defined $ts;
	$ts += 0;
	my $type = one_of($e, 'type') // '';
	my $track = (one_of($e, 'track_uuid') // 0) + 0;
	my $uses = 0;
	my $name;
	if (defined(my $iid = one_of($e, 'name_iid'))) {
		$name = lookup(\%ev_name, 'event name', $iid);
		$uses = 1;
	} elsif (defined(my $n = one_of($e, 'name'))) {
		$name = unquote($n);
	}
	my %args;
	for my $a (all_of($e, 'debug_annotations')) {
		my $k;
		if (defined(my $iid = one_of($a, 'name_iid'))) {
			$k = lookup(\%ann_name, 'annotation name', $iid);
			$uses = 1;
		} else {
			$k = unquote(one_of($a, 'name'));
		}
		$args{$k} = value($a);
	}
	fail("interned data used without SEQ_NEEDS_INCREMENTAL_STATE") if $uses && !($flags & 2);
	my @flows = map { $_ + 0 } all_of($e, 'flow_ids');
	my @tflows = map { $_ + 0 } all_of($e, 'terminating_flow_ids');
	if ($type eq 'TYPE_SLICE_BEGIN' || $type eq 'TYPE_SLICE_END') {
		fail("track $track goes back in time: $ts after $last_ts{$track}")
			if defined $last_ts{$track} && $ts < $last_ts{$track};
		$last_ts{$track} = $ts;
	}
	if ($type eq 'TYPE_SLICE_BEGIN') {
		push @{$stack{$track}}, { kind => 'slice', track => $track, name => $name, ts => $ts,
					   args => \%args, flows => \@flows, tflows => \@tflows };
	} elsif ($type eq 'TYPE_SLICE_END') {
		my $s = pop @{$stack{$track}} or fail("an END with no slice open on track $track");
		$s->{end} = $ts;
		$s->{end_flows} = [@flows, @tflows];
		out($s);
	} elsif ($type eq 'TYPE_INSTANT') {
		out({ kind => 'instant', track => $track, name => $name, ts => $ts, args => \%args,
		      flows => \@flows, tflows => \@tflows });
	} else {
		fail("a track event of type '$type'");
	}
}
for my $t (sort keys %stack) {
	fail("track $t ends with " . scalar(@{$stack{$t}}) . " slice(s) open") if @{$stack{$t}};
}
