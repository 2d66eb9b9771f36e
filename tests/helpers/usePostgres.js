/** Jest setup for the PostgreSQL project: the test helpers read this to pick the backend. */

process.env.SKYPILOT_TEST_BACKEND = 'postgres';
