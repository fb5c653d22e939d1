// The database vocabulary the data-flow engine (rules/dataflow) and db_binding.h share: which
// packages are database drivers or ORMs, which calls on a database object give a database object
// again, which Nest decorators inject one. Each user adds its own extras beside these lists (the
// key-value and cloud stores of db_binding.h; the few packages only the data-flow engine binds).
#pragma once

#include <array>
#include <string_view>

namespace nodescope::rules::db {

// Driver and ORM packages both users bind.
inline constexpr std::array<std::string_view, 31> kDbPackages = {"mongoose",
                                                                 "sequelize",
                                                                 "typeorm",
                                                                 "@prisma/client",
                                                                 "knex",
                                                                 "mongodb",
                                                                 "pg",
                                                                 "pg-promise",
                                                                 "mysql",
                                                                 "mysql2",
                                                                 "mysql2/promise",
                                                                 "sqlite3",
                                                                 "sqlite",
                                                                 "better-sqlite3",
                                                                 "objection",
                                                                 "bookshelf",
                                                                 "@mikro-orm/core",
                                                                 "drizzle-orm",
                                                                 "kysely",
                                                                 "mssql",
                                                                 "oracledb",
                                                                 "postgres",
                                                                 "@nestjs/mongoose",
                                                                 "@nestjs/typeorm",
                                                                 "@nestjs/sequelize",
                                                                 "sequelize-typescript",
                                                                 "pg-pool",
                                                                 "nano",
                                                                 "@databases/pg",
                                                                 "@mikro-orm/postgresql",
                                                                 "@mikro-orm/mysql"};

// Calls whose result is again a database object (a model, a pool, a collection, a repository).
inline constexpr std::array<std::string_view, 18> kFactories = {
    "model", "define",       "createPool",    "createConnection",    "connect",
    "db",    "collection",   "getRepository", "getCustomRepository", "getMongoRepository",
    "Pool",  "Client",       "getConnection", "getTreeRepository",   "withRepository",
    "knex",  "createClient", "initialize"};

// Nest decorators that inject a database object (names without the '@').
inline constexpr std::array<std::string_view, 7> kDbInjectors = {
    "InjectModel",         "InjectRepository", "InjectConnection", "InjectKnex",
    "InjectEntityManager", "InjectDataSource", "InjectPool"};

}  // namespace nodescope::rules::db
