// The rule-selection flags every subcommand shares (--rules, --on-error), and loading the
// generation they describe with errors printed the same way everywhere.
#pragma once

#include <boost/program_options.hpp>

#include <memory>
#include <string>

#include "match/generation.h"
#include "pipeline/generation_builder.h"

namespace decorum::cli {

// Adds --rules and --on-error to `desc`, writing into `request`.
void AddRuleOptions(boost::program_options::options_description* desc, GenerationRequest* request,
                    std::string* on_error);

// Validates the --on-error value into `request`. Returns false (after printing why) if bad.
bool ApplyOnError(const std::string& on_error, GenerationRequest* request);

// Builds the generation, printing every rule error to stderr. Null on failure.
std::shared_ptr<const Generation> LoadRulesOrReport(const GenerationRequest& request,
                                                    GenerationReport* report);

}  // namespace decorum::cli
