/* Threads: musl's pthreads on clone and futex (create, join, mutexes, condition variables, TLS,
 * cancellation, gettid, a signal to one thread, exit of the process from a thread). */
#include "check.h"
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static long counter, ready, turn;
static __thread long tls_value = 5;
static volatile int usr1_tid;

static void *adder(void *arg)
{
    for (int i = 0; i < 2000; i++) {
        pthread_mutex_lock(&mu);
        counter++;
        pthread_mutex_unlock(&mu);
    }
    tls_value += (long)arg;
    return (void *)tls_value;
}

static void *waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&mu);
    while (!ready) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    return (void *)syscall(SYS_gettid);
}

static void *pingpong(void *arg)
{
    long me = (long)arg;
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&mu);
        while (turn != me) pthread_cond_wait(&cv, &mu);
        turn = 1 - me;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&mu);
    }
    return 0;
}

static void *sleeper(void *arg)
{
    (void)arg;
    for (;;) { struct timespec d = { 1, 0 }; nanosleep(&d, 0); }
    return 0;
}

static void on_usr1(int s) { (void)s; usr1_tid = (int)syscall(SYS_gettid); }
static void *usr1_target(void *arg)
{
    (void)arg;
    while (!usr1_tid) {}
    return (void *)(long)usr1_tid;
}

static void *exiter(void *arg) { (void)arg; exit(9); return 0; }

int main(void)
{
    pthread_t t[4];
    void *rv[4];
    for (long i = 0; i < 4; i++) pthread_create(&t[i], 0, adder, (void *)i);
    int joined = 1;
    for (long i = 0; i < 4; i++) joined &= pthread_join(t[i], &rv[i]) == 0 && (long)rv[i] == 5 + i;
    CHECK(joined, "four threads created and joined, each with its own TLS");
    CHECK(counter == 8000, "a mutex keeps their 8000 increments");
    CHECK(tls_value == 5, "the main thread's TLS is its own");

    pthread_t w;
    pthread_create(&w, 0, waiter, 0);
    struct timespec d = { 0, 20000000 };
    nanosleep(&d, 0);
    pthread_mutex_lock(&mu);
    ready = 1;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&mu);
    void *tid;
    pthread_join(w, &tid);
    CHECK((long)tid > 0 && (long)tid != getpid(), "a condition variable wakes a waiting thread, which has its own tid");

    pthread_t a, b;
    pthread_create(&a, 0, pingpong, (void *)0);
    pthread_create(&b, 0, pingpong, (void *)1);
    CHECK(pthread_join(a, 0) == 0 && pthread_join(b, 0) == 0 && turn == 0, "two threads take 400 turns by condition variable");

    pthread_t s;
    pthread_create(&s, 0, sleeper, 0);
    void *res;
    CHECK(pthread_cancel(s) == 0 && pthread_join(s, &res) == 0 && res == PTHREAD_CANCELED,
          "a thread blocked in nanosleep is cancelled");

    signal(SIGUSR1, on_usr1);
    pthread_t u;
    pthread_create(&u, 0, usr1_target, 0);
    nanosleep(&d, 0);
    pthread_kill(u, SIGUSR1);
    void *got;
    pthread_join(u, &got);
    CHECK((long)got > 0 && (long)got != getpid(), "pthread_kill runs the handler in the target thread");

    pid_t c = fork();
    if (c == 0) {
        pthread_t e;
        pthread_create(&e, 0, exiter, 0);
        for (;;) nanosleep(&d, 0);
    }
    int st;
    waitpid(c, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9, "exit() from a thread ends the whole process");
    return check_failed;
}
