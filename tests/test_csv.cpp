// Tests of the CSV reader (io/csv) and the atomic output writer (io/atomic_file).

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "slfit/atomic_file.hpp"
#include "slfit/csv.hpp"
#include "slfit/error.hpp"

namespace {

namespace fs = std::filesystem;
using slfit::ColumnSelection;
using slfit::CsvOptions;
using slfit::MissingValues;
using slfit::Dataset;
using slfit::InputError;

// A fresh directory per test, removed afterwards.
class ScratchDirTest : public testing::Test {
 protected:
  void SetUp() override {
    const testing::TestInfo* test = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("slfit-" + std::string(test->test_suite_name()) + "-" +
                                        test->name() + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  void TearDown() override { fs::remove_all(dir_); }

  std::string write_file(const std::string& name, const std::string& contents) const {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }

  std::vector<std::string> directory_entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  fs::path dir_;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const ColumnSelection kParscale{{"num_params", "parallel_size"}, "loss", "group"};

class CsvTest : public ScratchDirTest {
 protected:
  Dataset read(const std::string& contents, const ColumnSelection& columns = kParscale,
               std::size_t min_rows = 1) const {
    return slfit::read_dataset(write_file("data.csv", contents), columns, min_rows);
  }

  // The message of the InputError reading `contents` throws; fails the test if none.
  std::string error_for(const std::string& contents, const ColumnSelection& columns = kParscale,
                        std::size_t min_rows = 1) const {
    try {
      read(contents, columns, min_rows);
    } catch (const InputError& error) {
      return error.what();
    }
    ADD_FAILURE() << "no InputError for:\n" << contents;
    return "";
  }

  std::string path() const { return (dir_ / "data.csv").string(); }
};

// Expects `message` to start with "<file>:<line>:" (or "<file>:" for line 0) and contain `parts`.
void expect_message(const std::string& message, const std::string& file, std::size_t line,
                    const std::vector<std::string>& parts) {
  const std::string prefix = line == 0 ? file + ": " : file + ":" + std::to_string(line) + ": ";
  EXPECT_TRUE(message.starts_with(prefix)) << message << "\ndoes not start with " << prefix;
  for (const std::string& part : parts) {
    EXPECT_NE(message.find(part), std::string::npos) << message << "\nlacks: " << part;
  }
}

TEST_F(CsvTest, ReadsTheParscaleExample) {
  const std::string file = SLFIT_SOURCE_DIR "/examples/parscale/train.csv";
  const Dataset data = slfit::read_dataset(file, kParscale, 4);
  EXPECT_EQ(data.source, file);
  ASSERT_EQ(data.groups.size(), 2u);
  EXPECT_EQ(data.groups[0].name, "pile");
  EXPECT_EQ(data.groups[1].name, "stack");
  for (const auto& group : data.groups) {
    EXPECT_EQ(group.size(), 18u);
    ASSERT_EQ(group.inputs.size(), 2u);
    EXPECT_EQ(group.inputs[0].size(), 18u);
    EXPECT_EQ(group.inputs[1].size(), 18u);
    EXPECT_EQ(group.lines.size(), 18u);
  }
  const auto& pile = data.groups[0];
  EXPECT_EQ(pile.inputs[0][0], 535813376.0);
  EXPECT_EQ(pile.inputs[1][0], 1.0);
  EXPECT_EQ(pile.target[0], 2.1113);
  EXPECT_EQ(pile.lines.front(), 2u);
  EXPECT_EQ(data.groups[1].lines.front(), 20u);
}

TEST_F(CsvTest, InputsFollowTheSelectionOrder) {
  const Dataset data = read("loss,b,a\n1,2,3\n", {{"a", "b"}, "loss", ""});
  ASSERT_EQ(data.groups.size(), 1u);
  EXPECT_EQ(data.groups[0].inputs[0], std::vector<double>{3});
  EXPECT_EQ(data.groups[0].inputs[1], std::vector<double>{2});
  EXPECT_EQ(data.groups[0].target, std::vector<double>{1});
}

TEST_F(CsvTest, WithoutAGroupColumnAllRowsFormGroupAll) {
  const Dataset data = read("group,x,y\na,1,2\nb,3,4\n", {{"x"}, "y", ""});
  ASSERT_EQ(data.groups.size(), 1u);
  EXPECT_EQ(data.groups[0].name, "all");
  EXPECT_EQ(data.groups[0].target, (std::vector<double>{2, 4}));
  EXPECT_EQ(data.groups[0].lines, (std::vector<std::size_t>{2, 3}));
}

TEST_F(CsvTest, GroupsKeepTheOrderOfFirstAppearance) {
  const Dataset data = read("g,x,y\nb,1,1\na,2,2\nb,3,3\n", {{"x"}, "y", "g"});
  ASSERT_EQ(data.groups.size(), 2u);
  EXPECT_EQ(data.groups[0].name, "b");
  EXPECT_EQ(data.groups[0].inputs[0], (std::vector<double>{1, 3}));
  EXPECT_EQ(data.groups[0].lines, (std::vector<std::size_t>{2, 4}));
  EXPECT_EQ(data.groups[1].name, "a");
}

TEST_F(CsvTest, QuotedFieldsMayHoldCommasQuotesAndNewlines) {
  const Dataset data = read(
      "g,x,y,note\n"
      "\"pile, v2\",1,2,\"said \"\"hi\"\"\"\n"
      "\"two\nlines\",\"3\",4,x\n"
      "c,5,6,\"\"\n",
      {{"x"}, "y", "g"});
  ASSERT_EQ(data.groups.size(), 3u);
  EXPECT_EQ(data.groups[0].name, "pile, v2");
  EXPECT_EQ(data.groups[1].name, "two\nlines");
  EXPECT_EQ(data.groups[1].inputs[0], std::vector<double>{3});
  // A record spanning lines is numbered by its first line; later rows keep physical numbers.
  EXPECT_EQ(data.groups[1].lines, std::vector<std::size_t>{3});
  EXPECT_EQ(data.groups[2].lines, std::vector<std::size_t>{5});
}

TEST_F(CsvTest, ColumnNamesMayHoldSpaces) {
  const Dataset data = read(" model size , \"loss value\" ,\"the group\"\n 1 , 2 , a \n",
                            {{"model size"}, "loss value", "the group"});
  ASSERT_EQ(data.groups.size(), 1u);
  EXPECT_EQ(data.groups[0].name, "a");
  EXPECT_EQ(data.groups[0].inputs[0], std::vector<double>{1});
  EXPECT_EQ(data.groups[0].target, std::vector<double>{2});
}

TEST_F(CsvTest, SkipsAByteOrderMark) {
  const Dataset data = read("\xEF\xBB\xBFx,y\n1,2\n", {{"x"}, "y", ""});
  EXPECT_EQ(data.groups[0].target, std::vector<double>{2});
}

TEST_F(CsvTest, AcceptsCrlfLineEndings) {
  const Dataset data = read("g,x,y\r\na,1,2\r\n\"b\",3,4\r\n", {{"x"}, "y", "g"});
  ASSERT_EQ(data.groups.size(), 2u);
  EXPECT_EQ(data.groups[0].name, "a");
  EXPECT_EQ(data.groups[1].name, "b");
  EXPECT_EQ(data.groups[1].target, std::vector<double>{4});
}

TEST_F(CsvTest, SkipsBlankLinesAndCountsThem) {
  const Dataset data = read("\nx,y\n\n1,2\n   \n\r\n3,4\n\n\n", {{"x"}, "y", ""});
  EXPECT_EQ(data.groups[0].target, (std::vector<double>{2, 4}));
  EXPECT_EQ(data.groups[0].lines, (std::vector<std::size_t>{4, 7}));
}

TEST_F(CsvTest, AcceptsALastLineWithoutNewline) {
  const Dataset data = read("x,y\n1,2\n3,4", {{"x"}, "y", ""});
  EXPECT_EQ(data.groups[0].target, (std::vector<double>{2, 4}));
}

TEST_F(CsvTest, ParsesNumberFormats) {
  const Dataset data =
      read("x,y\n 1.5e3 ,+2\n\" -0.25 \",.5\n1e-400,7E+2\n", {{"x"}, "y", ""});
  EXPECT_EQ(data.groups[0].inputs[0], (std::vector<double>{1500, -0.25, 0}));
  EXPECT_EQ(data.groups[0].target, (std::vector<double>{2, 0.5, 700}));
}

TEST_F(CsvTest, OnlySelectedColumnsMustBeNumeric) {
  const Dataset data = read("note,x,y,extra\nhello world,1,2,\n,3,4,nan\n", {{"x"}, "y", ""});
  EXPECT_EQ(data.groups[0].size(), 2u);
}

TEST_F(CsvTest, RejectsTextInANumericColumn) {
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1,1,2\npile,1,1,abc\n"),
                 path(), 3, {"column 'loss' (4)", "'abc' is not a number"});
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1.5x,1,2\n"), path(), 2,
                 {"column 'num_params' (2)", "'1.5x' is not a number"});
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1,1 2,2\n"), path(), 2,
                 {"column 'parallel_size' (3)", "not a number"});
}

TEST_F(CsvTest, RejectsNonFiniteNumbers) {
  for (const std::string value : {"nan", "inf", "-infinity", "1e400", "-1e400"}) {
    expect_message(error_for("group,num_params,parallel_size,loss\npile,1,1," + value + "\n"),
                   path(), 2, {"column 'loss' (4)", value + " is not a finite number"});
  }
}

TEST_F(CsvTest, RejectsAnEmptyNumericField) {
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1,,2\n"), path(), 2,
                 {"column 'parallel_size' (3)", "empty"});
}

TEST_F(CsvTest, RejectsAnEmptyGroupLabel) {
  expect_message(error_for("group,num_params,parallel_size,loss\n,1,1,2\n"), path(), 2,
                 {"column 'group' (1)", "empty group label"});
}

TEST_F(CsvTest, RejectsARowWithTheWrongNumberOfFields) {
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1,1,2\n\npile,1,2\n"),
                 path(), 4, {"row has 3 fields, the header has 4"});
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1,1,2,9\n"), path(), 2,
                 {"row has 5 fields, the header has 4"});
}

TEST_F(CsvTest, RejectsAFileWithoutAHeader) {
  expect_message(error_for(""), path(), 0, {"file is empty (no header row)"});
  expect_message(error_for("\xEF\xBB\xBF\n  \r\n"), path(), 0, {"file is empty (no header row)"});
}

TEST_F(CsvTest, RejectsAFileWithoutDataRows) {
  expect_message(error_for("group,num_params,parallel_size,loss\n\n"), path(), 0,
                 {"no data rows after the header"});
}

TEST_F(CsvTest, TabAndSemicolonFilesAreDetectedFromTheHeader) {
  const Dataset comma = read("group,num_params,parallel_size,loss\npile,1,2,3.5\npile,4,5,6\n");
  for (const auto& [text, delimiter] : std::vector<std::pair<std::string, char>>{
           {"group\tnum_params\tparallel_size\tloss\npile\t1\t2\t3.5\npile\t 4\t5 \t6\n", '\t'},
           {"group;num_params;parallel_size;loss\npile;1;2;3.5\npile;4;5;6\n", ';'},
           {"\n  group ; num_params;parallel_size;loss\r\npile;1;2;3.5\r\npile;4;5;6\r\n", ';'}}) {
    EXPECT_EQ(slfit::detect_delimiter(text), delimiter) << text;
    const Dataset data = read(text);
    EXPECT_EQ(data.delimiter, delimiter);
    ASSERT_EQ(data.groups.size(), 1u);
    EXPECT_EQ(data.groups[0].inputs, comma.groups[0].inputs) << text;
    EXPECT_EQ(data.groups[0].target, comma.groups[0].target) << text;
  }
  EXPECT_EQ(comma.delimiter, ',');
  // In a tab-separated file an empty field is a field, not padding: here the number is missing.
  expect_message(error_for("group\tnum_params\tparallel_size\tloss\npile\t\t2\t3.5\n"), path(), 2,
                 {"num_params"});
  // A comma in the header wins: the file is comma-separated, tabs are padding.
  EXPECT_EQ(slfit::detect_delimiter("a,b\tc\n"), ',');
  // Given explicitly, the delimiter is not detected.
  EXPECT_THROW(slfit::read_dataset(write_file("data.csv", "group;num_params;parallel_size;loss\npile;1;2;3\n"),
                                   kParscale, 1, CsvOptions{','}),
               InputError);
}

TEST_F(CsvTest, MissingValuesAreAnErrorOrDroppedRowByRow) {
  const std::string text =
      "group,num_params,parallel_size,loss,note\n"
      "pile,1,1,2.0,\n"        // an empty field in a column no law reads: kept either way
      "pile,2,,1.9,x\n"        // line 3: empty parallel_size
      "stack,3,1,NA,x\n"       // line 4: NA target
      "pile,4,1, nan ,x\n"     // line 5
      "stack,5,2,1.5,x\n"
      "pile,6,2,N/A,x\n"       // line 7
      "stack,7,2,null,x\n";    // line 8
  expect_message(error_for(text), path(), 3, {"parallel_size", "missing value (empty field)"});
  const Dataset dropped = slfit::read_dataset(write_file("data.csv", text), kParscale, 1,
                                              CsvOptions{0, MissingValues::Drop});
  ASSERT_EQ(dropped.groups.size(), 2u);
  EXPECT_EQ(dropped.groups[0].lines, (std::vector<std::size_t>{2}));
  EXPECT_EQ(dropped.groups[0].dropped_lines, (std::vector<std::size_t>{3, 5, 7}));
  EXPECT_EQ(dropped.groups[1].lines, (std::vector<std::size_t>{6}));
  EXPECT_EQ(dropped.groups[1].dropped_lines, (std::vector<std::size_t>{4, 8}));
  EXPECT_EQ(dropped.groups[1].target, (std::vector<double>{1.5}));
  // A value that is neither a number nor a missing value stays an error: a typo is not dropped.
  try {
    slfit::read_dataset(write_file("data.csv", "group,num_params,parallel_size,loss\npile,1,1,2.o\n"), kParscale, 1,
                        CsvOptions{0, MissingValues::Drop});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'2.o' is not a number"), std::string::npos) << e.what();
  }
}

TEST_F(CsvTest, LabelsAndNamesMustBeUtf8AndUtf16IsNamed) {
  const std::string header = "group,num_params,parallel_size,loss\n";
  const Dataset utf8 = read(header + "caf\xC3\xA9,1,1,2\n\xE6\x97\xA5\xE6\x9C\xAC,1,1,2\n");
  EXPECT_EQ(utf8.groups[0].name, "caf\xC3\xA9");
  EXPECT_EQ(utf8.groups[1].name, "\xE6\x97\xA5\xE6\x9C\xAC");
  // Latin-1's e-acute, as a spreadsheet writes it, in the second row's label.
  expect_message(error_for(header + "pile,1,1,2\ncaf\xE9,1,1,2\n"), path(), 3,
                 {"column 'group' (1): the group label is not valid UTF-8 (byte 0xE9 at character 4)",
                  "save the file as UTF-8"});
  expect_message(error_for("group,num_params,parallel_size,loss,co\xFBt\npile,1,1,2,x\n"), path(), 1,
                 {"the name of column 5 is not valid UTF-8 (byte 0xFB at character 3)"});
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE6\x97"})  // overlong,
    expect_message(error_for(header + "g" + bad + ",1,1,2\n"), path(), 2, {"is not valid UTF-8"});  // surrogate...
  expect_message(error_for("\xFF\xFEg\0r\0"), path(), 0, {"the file is UTF-16", "save it as UTF-8"});
  expect_message(error_for(std::string("g\0r\0o\0u\0p\0\n\0", 12)), path(), 1, {"NUL bytes", "UTF-16"});
}

TEST_F(CsvTest, RejectsAMissingColumn) {
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1,1,2\n",
                           {{"tokens"}, "loss", "group"}),
                 path(), 1,
                 {"no column named 'tokens' (columns: group, num_params, parallel_size, loss)"});
  expect_message(error_for("num_params,parallel_size,loss\n1,1,2\n"), path(), 1,
                 {"no column named 'group'"});
  // A near miss is named.
  expect_message(error_for("group,num_param,parallel_size,loss\npile,1,1,2\n", {{"num_params"}, "loss", "group"}),
                 path(), 1,
                 {"no column named 'num_params' (did you mean 'num_param'?) (columns: group, num_param, "
                  "parallel_size, loss)"});
}

TEST_F(CsvTest, RejectsADuplicateColumnName) {
  expect_message(error_for("group,num_params,loss,parallel_size,loss\npile,1,1,1,2\n"), path(), 1,
                 {"column name 'loss' appears twice (columns 3 and 5)"});
  // Even a column the law does not read.
  expect_message(error_for("\ngroup,note,num_params,parallel_size,loss,note\n"), path(), 2,
                 {"column name 'note' appears twice (columns 2 and 6)"});
}

TEST_F(CsvTest, RejectsGroupsWithTooFewRows) {
  const std::string csv =
      "group,num_params,parallel_size,loss\n"
      "stack,1,1,1\nstack,1,1,1\nstack,1,1,1\nstack,1,1,1\n"
      "pile,1,1,1\npile,1,1,1\nstack,1,1,1\npile,1,1,1\n";
  expect_message(error_for(csv, kParscale, 4), path(), 0,
                 {"group 'pile' has 3 rows (lines 6-7, 9), fewer than the 4 the law's parameters "
                  "need"});
  expect_message(error_for("x,y\n1,2\n", {{"x"}, "y", ""}, 2), path(), 0,
                 {"has 1 row (line 2), fewer than the 2"});
}

TEST_F(CsvTest, RejectsAnUnterminatedQuote) {
  expect_message(error_for("group,num_params,parallel_size,loss\npile,1,1,2\n\"pile,1,1,2\n\n"),
                 path(), 3, {"never closed"});
}

TEST_F(CsvTest, RejectsTextAfterAClosingQuote) {
  expect_message(error_for("group,num_params,parallel_size,loss\n\"pile\"x,1,1,2\n"), path(), 2,
                 {"field 1", "after a closing quote"});
}

TEST_F(CsvTest, RejectsAFileThatCannotBeOpened) {
  const std::string missing = (dir_ / "missing.csv").string();
  try {
    slfit::read_dataset(missing, kParscale, 1);
    FAIL() << "no InputError";
  } catch (const InputError& error) {
    expect_message(error.what(), missing, 0, {"cannot open: No such file or directory"});
  }
}

TEST_F(CsvTest, RejectsADirectory) {
  EXPECT_THROW(slfit::read_dataset(dir_.string(), kParscale, 1), InputError);
}

class AtomicFileTest : public ScratchDirTest {};

TEST_F(AtomicFileTest, WritesTheContents) {
  const std::string target = (dir_ / "out.json").string();
  slfit::write_output(target, "{\"a\": 1}\n");
  EXPECT_EQ(read_text(target), "{\"a\": 1}\n");
  EXPECT_EQ(directory_entries(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, ReplacesTheTargetWithANewFile) {
  const std::string target = write_file("out.json", "old contents");
  // A reader that opened the old file keeps seeing all of it: the target is renamed over,
  // never truncated and rewritten in place.
  std::ifstream reader(target, std::ios::binary);
  slfit::write_output(target, "new");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(reader), {}), "old contents");
  EXPECT_EQ(read_text(target), "new");
  EXPECT_EQ(directory_entries(), std::vector<std::string>{"out.json"});
}

TEST_F(AtomicFileTest, WritesIntoTheCurrentDirectoryForABareName) {
  const fs::path previous = fs::current_path();
  fs::current_path(dir_);
  slfit::write_output("bare.txt", "x");
  fs::current_path(previous);
  EXPECT_EQ(read_text((dir_ / "bare.txt").string()), "x");
}

TEST_F(AtomicFileTest, ANonexistentDirectoryThrowsAndLeavesNothing) {
  const std::string target = (dir_ / "missing" / "out.json").string();
  try {
    slfit::write_output(target, "x");
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(target), std::string::npos) << message;
    EXPECT_NE(message.find("No such file or directory"), std::string::npos) << message;
  }
  EXPECT_TRUE(directory_entries().empty());
}

TEST_F(AtomicFileTest, AFailedRenameRemovesTheTemporary) {
  const fs::path target = dir_ / "taken";
  fs::create_directories(target / "child");  // a non-empty directory cannot be replaced
  EXPECT_THROW(slfit::write_output(target.string(), "x"), std::runtime_error);
  EXPECT_EQ(directory_entries(), std::vector<std::string>{"taken"});
}

TEST_F(AtomicFileTest, RemovePendingTemporariesLeavesFinishedFilesAlone) {
  const std::string target = (dir_ / "out.json").string();
  slfit::write_output(target, "done");
  slfit::remove_pending_temporaries();
  EXPECT_EQ(read_text(target), "done");
}

TEST_F(AtomicFileTest, ReplacesTheFileASymlinkPointsTo) {
  const std::string real = write_file("real.json", "old");
  const fs::path link = dir_ / "link.json";
  fs::create_symlink("real.json", link);
  slfit::write_output(link.string(), "new");
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(read_text(real), "new");
  std::vector<std::string> entries = directory_entries();
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"link.json", "real.json"}));
}

TEST_F(AtomicFileTest, WritesToADeviceInPlace) {
  slfit::write_output("/dev/null", "discarded");
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
}

TEST_F(AtomicFileTest, DashWritesToStdout) {
  testing::internal::CaptureStdout();
  slfit::write_output("-", "to stdout\n");
  slfit::write_output("", "and again\n");
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "to stdout\nand again\n");
  EXPECT_TRUE(directory_entries().empty());
}

}  // namespace
