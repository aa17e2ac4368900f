/*
 * pg_trigger.c — prodtext_fill(), the trigger that keeps model outputs next
 * to the text they come from:
 *
 *   CREATE TRIGGER products_fill BEFORE INSERT OR UPDATE OF description ON products
 *   FOR EACH ROW EXECUTE FUNCTION
 *       prodtext_fill('description', 'sentiment:tone', 'summary:summary', 'rewrite:clean');
 *
 * The first argument names the source column (text, varchar or char), every
 * other one is "task:column".  Column names are matched exactly as stored in
 * the catalog (no case folding, no quoting), as in tsvector_update_trigger.
 *
 * The arguments are checked against the table once per statement (the plan
 * is cached in the trigger's FmgrInfo, which the executor keeps for the
 * statement, COPY included): unknown tasks, missing columns and columns of the
 * wrong type are errors at the first row, with the SQLSTATE a user would get
 * from the equivalent SQL.  On UPDATE nothing is computed when the source
 * did not change, so targets set by hand survive updates of other columns.
 * A NULL source gives NULL targets.  No SQL is built or run: the model is
 * called directly, through the same glue as the SQL functions.
 *
 * A new task is one entry in fill_tasks[]: its name, the kind of value it
 * produces, and a function from a source text to that value.
 */
#include "pg_glue.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

/* what a task produces; decides which target column types fit */
typedef enum FillKind
{
	FILL_REAL,					/* float4 Datum: into real, double precision, numeric */
	FILL_TEXT					/* text Datum: into text */
} FillKind;

/* one source text (raw, not normalized) to the task's value */
typedef Datum (*FillFunc) (const char *s, size_t len);

typedef struct FillTask
{
	const char *name;			/* as written before the colon */
	FillKind	kind;
	FillFunc	func;
} FillTask;

/* sentiment:col — the number sentiment(text) returns */
static Datum
fill_sentiment(const char *s, size_t len)
{
	return Float4GetDatum(PtSentimentPolarity(s, len));
}

/* summary:col — the text summarize(text) returns, with its default budget */
static Datum
fill_summary(const char *s, size_t len)
{
	return PointerGetDatum(PtSummarizeText(s, len, PT_SUMMARIZE_DEFAULT_CHARS));
}

/* rewrite:col — the text rewrite(text) returns */
static Datum
fill_rewrite(const char *s, size_t len)
{
	return PointerGetDatum(PtRewriteText(s, len, 0));
}

/* Every task prodtext_fill knows.  summary uses summarize()'s default budget. */
static const FillTask fill_tasks[] = {
	{"sentiment", FILL_REAL, fill_sentiment},
	{"summary", FILL_TEXT, fill_summary},
	{"rewrite", FILL_TEXT, fill_rewrite},
};

#define N_FILL_TASKS lengthof(fill_tasks)

typedef struct FillTarget
{
	AttrNumber	attnum;
	const FillTask *task;
	Oid			typid;			/* the column's type, maybe a domain */
	Oid			basetype;		/* FLOAT4OID, FLOAT8OID, NUMERICOID or TEXTOID */
	int32		basetypmod;
	void	   *domain_extra;	/* domain_check's cache; fn_mcxt */
} FillTarget;

/* the checked arguments of one trigger on one relation, kept for the statement */
typedef struct FillPlan
{
	Oid			tgoid;
	Oid			relid;
	AttrNumber	source;
	int			ntargets;
	bool		tasks_used[N_FILL_TASKS];
	FillTarget	targets[FLEXIBLE_ARRAY_MEMBER];
} FillPlan;

/* comma-separated task names */
static char *
task_list(void)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < N_FILL_TASKS; i++)
		appendStringInfo(&buf, "%s%s", buf.len > 0 ? ", " : "", fill_tasks[i].name);
	return buf.data;
}

/* attnum of a user column named exactly name, or InvalidAttrNumber */
static AttrNumber
find_column(TupleDesc tupdesc, const char *name)
{
	for (int i = 0; i < tupdesc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return att->attnum;
	}
	return InvalidAttrNumber;
}

static const char *
kind_types(FillKind kind)
{
	return kind == FILL_REAL ? "real, double precision or numeric" : "text";
}

static bool
kind_accepts(FillKind kind, Oid basetype)
{
	if (kind == FILL_REAL)
		return basetype == FLOAT4OID || basetype == FLOAT8OID || basetype == NUMERICOID;
	return basetype == TEXTOID;
}

/* Check the trigger's arguments against the relation; ERROR at the first problem. */
static FillPlan *
fill_plan(TriggerData *td, MemoryContext mcxt)
{
	Trigger    *tg = td->tg_trigger;
	Relation	rel = td->tg_relation;
	TupleDesc	tupdesc = RelationGetDescr(rel);
	const char *relname = RelationGetRelationName(rel);
	FillPlan   *plan;
	Form_pg_attribute att;
	Oid			srctype;

	if (tg->tgnargs < 2)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prodtext_fill: trigger \"%s\" needs a source column and at least one target",
						tg->tgname),
				 errhint("Write e.g. EXECUTE FUNCTION prodtext_fill('description', 'sentiment:tone'); tasks: %s.",
						 task_list())));

	plan = MemoryContextAllocZero(mcxt, offsetof(FillPlan, targets) +
								  sizeof(FillTarget) * (tg->tgnargs - 1));
	plan->tgoid = tg->tgoid;
	plan->relid = RelationGetRelid(rel);

	/* the source: an existing, stored text column */
	plan->source = find_column(tupdesc, tg->tgargs[0]);
	if (plan->source == InvalidAttrNumber)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("prodtext_fill: source column \"%s\" of relation \"%s\" does not exist",
						tg->tgargs[0], relname)));
	att = TupleDescAttr(tupdesc, plan->source - 1);
	srctype = getBaseType(att->atttypid);
	if (srctype != TEXTOID && srctype != VARCHAROID && srctype != BPCHAROID)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("prodtext_fill: source column \"%s\" is of type %s, not text",
						tg->tgargs[0], format_type_be(att->atttypid)),
				 errhint("The source must be a text, varchar or char column.")));
	if (att->attgenerated)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prodtext_fill: source column \"%s\" is a generated column", tg->tgargs[0]),
				 errdetail("BEFORE triggers run before generated columns are computed.")));

	/* the targets: "task:column" */
	for (int i = 1; i < tg->tgnargs; i++)
	{
		const char *arg = tg->tgargs[i];
		const char *colon = strchr(arg, ':');
		const char *colname;
		const FillTask *task = NULL;
		FillTarget *t = &plan->targets[plan->ntargets];
		int			task_no = -1;

		if (colon == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("prodtext_fill: target \"%s\" is not of the form task:column", arg),
					 errhint("Write e.g. 'sentiment:tone'; tasks: %s.", task_list())));
		for (int k = 0; k < N_FILL_TASKS; k++)
			if (strlen(fill_tasks[k].name) == (size_t) (colon - arg) &&
				strncmp(fill_tasks[k].name, arg, colon - arg) == 0)
			{
				task = &fill_tasks[k];
				task_no = k;
			}
		if (task == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("prodtext_fill: unknown task \"%.*s\" in \"%s\"", (int) (colon - arg), arg, arg),
					 errhint("Tasks: %s.", task_list())));

		colname = colon + 1;
		t->attnum = find_column(tupdesc, colname);
		if (t->attnum == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("prodtext_fill: target column \"%s\" of relation \"%s\" does not exist",
							colname, relname)));
		if (t->attnum == plan->source)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("prodtext_fill: target column \"%s\" is the source column", colname)));
		for (int k = 0; k < plan->ntargets; k++)
			if (plan->targets[k].attnum == t->attnum)
				ereport(ERROR,
						(errcode(ERRCODE_DUPLICATE_COLUMN),
						 errmsg("prodtext_fill: target column \"%s\" is named more than once", colname)));
		att = TupleDescAttr(tupdesc, t->attnum - 1);
		if (att->attgenerated)
			ereport(ERROR,
					(errcode(ERRCODE_GENERATED_ALWAYS),
					 errmsg("prodtext_fill: target column \"%s\" is a generated column", colname)));
		t->typid = att->atttypid;
		t->basetypmod = att->atttypmod;
		t->basetype = getBaseTypeAndTypmod(att->atttypid, &t->basetypmod);
		if (!kind_accepts(task->kind, t->basetype))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("prodtext_fill: target column \"%s\" is of type %s, but task \"%s\" needs %s",
							colname, format_type_be(att->atttypid), task->name, kind_types(task->kind))));
		t->task = task;
		plan->tasks_used[task_no] = true;
		plan->ntargets++;
	}
	return plan;
}

/* The task's value converted to the target column's type (and typmod, and domain). */
static Datum
to_target(FillTarget *t, Datum value, bool isnull, MemoryContext mcxt)
{
	if (!isnull)
	{
		switch (t->basetype)
		{
			case FLOAT4OID:
			case TEXTOID:
				break;
			case FLOAT8OID:
				/* the same widening as the assignment cast real -> double precision */
				value = Float8GetDatum((float8) DatumGetFloat4(value));
				break;
			case NUMERICOID:
				value = DirectFunctionCall1(float4_numeric, value);
				if (t->basetypmod >= 0)
					value = DirectFunctionCall2(numeric, value, Int32GetDatum(t->basetypmod));
				break;
			default:
				elog(ERROR, "prodtext_fill: unexpected target type %u", t->basetype);
		}
	}
	if (t->typid != t->basetype)
		domain_check(value, isnull, t->typid, &t->domain_extra, mcxt);
	return value;
}

/* the source column's value as text bytes; false when NULL */
static bool
source_text(HeapTuple tuple, TupleDesc tupdesc, AttrNumber attnum, text **out)
{
	bool		isnull;
	Datum		d = heap_getattr(tuple, attnum, tupdesc, &isnull);

	*out = isnull ? NULL : DatumGetTextPP(d);
	return !isnull;
}

/* did an UPDATE change the source?  Byte comparison: the model sees bytes. */
static bool
source_changed(TriggerData *td, FillPlan *plan)
{
	TupleDesc	tupdesc = RelationGetDescr(td->tg_relation);
	bool		oldnull,
				newnull;
	Datum		oldd = heap_getattr(td->tg_trigtuple, plan->source, tupdesc, &oldnull);
	Datum		newd = heap_getattr(td->tg_newtuple, plan->source, tupdesc, &newnull);
	text	   *a,
			   *b;

	if (oldnull || newnull)
		return oldnull != newnull;
	/* unchanged columns usually keep the very same bytes (or TOAST pointer) */
	if (VARSIZE_ANY(DatumGetPointer(oldd)) == VARSIZE_ANY(DatumGetPointer(newd)) &&
		memcmp(DatumGetPointer(oldd), DatumGetPointer(newd), VARSIZE_ANY(DatumGetPointer(oldd))) == 0)
		return false;
	a = DatumGetTextPP(oldd);
	b = DatumGetTextPP(newd);
	return VARSIZE_ANY_EXHDR(a) != VARSIZE_ANY_EXHDR(b) ||
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) != 0;
}

PG_FUNCTION_INFO_V1(prodtext_fill);

/* BEFORE INSERT OR UPDATE FOR EACH ROW: fill the target columns from the source column */
Datum
prodtext_fill(PG_FUNCTION_ARGS)
{
	TriggerData *td = (TriggerData *) fcinfo->context;
	FillPlan   *plan;
	HeapTuple	tuple;
	TupleDesc	tupdesc;
	text	   *src;
	bool		have_src;
	Datum		task_value[N_FILL_TASKS];
	int		   *cols;
	Datum	   *values;
	bool	   *nulls;

	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prodtext_fill: not called by trigger manager")));
	if (!TRIGGER_FIRED_FOR_ROW(td->tg_event) || !TRIGGER_FIRED_BEFORE(td->tg_event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prodtext_fill: trigger \"%s\" must be fired BEFORE ... FOR EACH ROW",
						td->tg_trigger->tgname)));
	if (TRIGGER_FIRED_BY_INSERT(td->tg_event))
		tuple = td->tg_trigtuple;
	else if (TRIGGER_FIRED_BY_UPDATE(td->tg_event))
		tuple = td->tg_newtuple;
	else
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("prodtext_fill: trigger \"%s\" must be fired for INSERT or UPDATE",
						td->tg_trigger->tgname)));

	/* checked at the first row of each statement, then reused */
	plan = (FillPlan *) fcinfo->flinfo->fn_extra;
	if (plan == NULL || plan->tgoid != td->tg_trigger->tgoid ||
		plan->relid != RelationGetRelid(td->tg_relation))
	{
		plan = fill_plan(td, fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = plan;
	}

	if (TRIGGER_FIRED_BY_UPDATE(td->tg_event) && !source_changed(td, plan))
		return PointerGetDatum(tuple);

	tupdesc = RelationGetDescr(td->tg_relation);
	have_src = source_text(tuple, tupdesc, plan->source, &src);
	/* each task runs once per row, however many columns it fills */
	for (int k = 0; k < N_FILL_TASKS; k++)
		task_value[k] = (have_src && plan->tasks_used[k])
			? fill_tasks[k].func(VARDATA_ANY(src), VARSIZE_ANY_EXHDR(src))
			: (Datum) 0;

	cols = palloc(sizeof(int) * plan->ntargets);
	values = palloc(sizeof(Datum) * plan->ntargets);
	nulls = palloc(sizeof(bool) * plan->ntargets);
	for (int i = 0; i < plan->ntargets; i++)
	{
		FillTarget *t = &plan->targets[i];

		cols[i] = t->attnum;
		nulls[i] = !have_src;
		values[i] = to_target(t, task_value[t->task - fill_tasks], nulls[i], fcinfo->flinfo->fn_mcxt);
	}
	return PointerGetDatum(heap_modify_tuple_by_cols(tuple, tupdesc, plan->ntargets, cols, values, nulls));
}
