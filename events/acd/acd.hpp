#pragma once
/// The ACD domain in one include, for the actors: see docs/acd.md.
#include "events/acd/agent.hpp"       // agent-<id>: presence, contacts, capacity, auto-pause
#include "events/acd/call.hpp"        // call-<id>: arrival to the single call.ended
#include "events/acd/call_rules.hpp"  // priority, overflow, ring time, call-back trunk, wait timers
#include "events/acd/candidate.hpp"   // an agent as routing sees it
#include "events/acd/deciders.hpp"    // the aggregates as types, for generic actors
#include "events/acd/ewt.hpp"         // expected wait, Erlang C
#include "events/acd/queue.hpp"       // queue-<id>: the waiting list
#include "events/acd/queue_rules.hpp" // no-answer hold-back, remote holds, service-level exits
#include "events/acd/routing.hpp"     // eligibility, strategies, whole-queue matching
#include "events/acd/trunk_channel.hpp" // trunk-<group>.<n>: seize / release, hunting
#include "events/acd/trunk_group.hpp"   // trunkgroup-<group>: channels seized at once
#include "events/acd/widening.hpp"      // requirements relaxed with the wait
#include "events/outcome.hpp"
#include "events/variant_cast.hpp"
