#pragma once
/// Numbers on the command line, checked the same way by every subcommand.
///
/// CLI11 alone accepts `nan`, `inf`, `-1` for a count and wraps
/// `18446744073709551616` to the largest integer; a command then ran with a
/// meaningless value and exit status 0. Here a number is a plain decimal
/// (no nan, no inf, no trailing text) that its option's type can hold, and
/// an option with a meaning gives its range. A bad value is a usage error:
/// `--hours: expected a number of hours from 0 to 87600, got nan`, exit 2.
#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

namespace hotline::cli {

/// A finite decimal number from `min` to `max`. `what` completes
/// "expected ..." ("a number of hours").
CLI::Validator number_in(double min, double max, std::string what);
/// A whole decimal number from `min` to `max`.
CLI::Validator whole_in(std::int64_t min, std::int64_t max, std::string what);

/// Gives every numeric option (CLI11 type INT, UINT or FLOAT) of `app` and
/// of its subcommands, at any depth, that has no number_in/whole_in range
/// the default one: a finite decimal number, not negative, that its type
/// holds. add_all_commands calls it once, after every command registered
/// its options, so no numeric option is left unchecked.
void check_every_number(CLI::App& app);

/// The name number_in and whole_in give their validators.
inline constexpr const char* number_validator_name = "hotline-number";

} // namespace hotline::cli
