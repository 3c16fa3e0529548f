"""Escalation.status and AppraisalRequest.status become FSM fields (django-fsm-2).

An FSMField is a CharField in the database: same type, length, default and indexes, so only the migration state
changes (SQLite would otherwise rebuild four tables for nothing; PostgreSQL's AlterField is a no-op anyway).
"""

import django_fsm
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('mediation', '0006_transfer_sheet_roles'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='appraisalrequest',
            name='status',
            field=django_fsm.FSMField(choices=[('open', 'Waiting for the conclusion'), ('concluded', 'Concluded'), ('abandoned', 'Abandoned (mediation terminated)')], default='open', max_length=10, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='escalation',
            name='status',
            field=django_fsm.FSMField(choices=[('proposed', 'Proposed'), ('approved', 'Approved'), ('refused', 'Refused')], default='proposed', max_length=10, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='historicalappraisalrequest',
            name='status',
            field=django_fsm.FSMField(choices=[('open', 'Waiting for the conclusion'), ('concluded', 'Concluded'), ('abandoned', 'Abandoned (mediation terminated)')], default='open', max_length=10, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='historicalescalation',
            name='status',
            field=django_fsm.FSMField(choices=[('proposed', 'Proposed'), ('approved', 'Approved'), ('refused', 'Refused')], default='proposed', max_length=10, protected=True, verbose_name='status'),
        ),
    ]

    operations = [migrations.SeparateDatabaseAndState(state_operations=state_operations, database_operations=[])]
