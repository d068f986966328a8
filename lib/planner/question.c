/* question.c — stub until the parser lands (see question.h). */
#include "planner/question.h"

scout_rc scout_question_analyze(const char *question, scout_question **out, scout_err *err)
{
    *out = NULL;
    return scout_err_set(err, SCOUT_EINTERNAL, "question parser is not implemented yet");
}

void scout_question_free(scout_question *q)
{
    (void)q;
}

scout_rc scout_question_json(const scout_question *q, scout_buf *out, scout_err *err)
{
    return scout_err_set(err, SCOUT_EINTERNAL, "question parser is not implemented yet");
}

scout_rc scout_question_bind(const scout_question *q, scout_catalog *cat, const char *fqname,
                             const scout_principal *who, scout_semantic **out,
                             scout_question_fit *fit, scout_err *err)
{
    *out = NULL;
    return scout_err_set(err, SCOUT_EINTERNAL, "question parser is not implemented yet");
}

void scout_question_fit_free(scout_question_fit *fit)
{
    (void)fit;
}
